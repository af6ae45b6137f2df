import type { TwoFactorEvent } from '../../core/events.js';
import { currentOperation } from '../../core/request-scope.js';
import type { Notice, NoticeKind } from '../../mail/notice-messages.js';
import type { MethodContext } from '../../methods/context.js';

/** A notice before its address is known. */
export type DraftNotice = Omit<Notice, 'to'>;

/** Backup codes left at which a user is told to make new ones (NIST SP 800-63B-4). */
export const LOW_BACKUP_CODES = 2;

const draft = (event: TwoFactorEvent, kind: NoticeKind, facts: Partial<DraftNotice> = {}): DraftNotice => ({
  kind,
  userId: event.userId!,
  at: event.at,
  ...(event.request ? { request: event.request } : {}),
  ...facts,
});

/**
 * The notice an event calls for, if any. Reads the user's records only where the event alone
 * cannot tell (the last factor gone, how many backup codes are left). The failures that end in a
 * lock come after `login.start`, so after the correct password ("someone has your password"); a
 * step-up's are the signed-in user's own.
 */
export async function noticeOfEvent(ctx: MethodContext, event: TwoFactorEvent): Promise<DraftNotice | null> {
  if (!event.userId) return null;
  const method = event.method ? { method: event.method } : {};
  switch (event.type) {
    case 'webauthn.registered':
      return draft(event, 'method-added', method);
    case 'webauthn.removed':
      return draft(event, 'method-removed', method);
    case 'backup-codes.generated':
      // With a first method the codes come in the same step: that method's notice tells the user.
      return currentOperation() === 'backupCodes.regenerate'
        ? draft(event, 'backup-codes-regenerated')
        : null;
    case 'backup-code.used': {
      const user = await ctx.methods.loadUser(event.userId);
      const remaining = ctx.methods.status(user).backupCodesRemaining;
      return remaining <= LOW_BACKUP_CODES
        ? draft(event, 'backup-codes-low', { backupCodesRemaining: remaining })
        : null;
    }
    case 'admin.backup-code-issued':
      return draft(event, 'admin-code-issued', event.actor ? { actor: event.actor } : {});
    case 'admin.reset':
      return draft(event, 'admin-reset', event.actor ? { actor: event.actor } : {});
    case 'device.trusted': {
      const label = event.detail?.['label'];
      return draft(event, 'new-trusted-browser', typeof label === 'string' ? { deviceLabel: label } : {});
    }
    case 'challenge.locked':
    case 'account.locked':
    case 'challenge.ended':
      return event.detail?.['purpose'] === 'login' ? draft(event, 'suspicious-sign-in') : null;
    default:
      break;
  }
  if (event.type.endsWith('.enabled')) return draft(event, 'method-added', method);
  if (event.type.endsWith('.disabled')) {
    const user = await ctx.methods.loadUser(event.userId);
    if (ctx.methods.enabledFactors(user).length === 0) return draft(event, 'two-factor-off', method);
    // A security key's removal was told when it happened.
    return event.method === 'webauthn' ? null : draft(event, 'method-removed', method);
  }
  return null;
}
