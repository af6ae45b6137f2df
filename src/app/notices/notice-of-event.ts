import type { TwoFactorEvent } from '../../core/events.js';
import { currentOperation } from '../../core/request-scope.js';
import type { Notice, NoticeKind } from '../../mail/notice-messages.js';
import type { MethodContext } from '../../methods/context.js';
import type { MethodChange } from './method-notices.js';

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
 * The notice an event calls for, if any. `changes` says which events add or remove a method (from
 * the modules). Reads the user's records only where the event alone cannot tell (the last factor
 * gone, how many backup codes are left). The failures that end in a lock come after `login.start`,
 * so after the correct password ("someone has your password"); a step-up's are the signed-in
 * user's own.
 */
export async function noticeOfEvent(
  ctx: MethodContext,
  event: TwoFactorEvent,
  changes: ReadonlyMap<string, MethodChange>,
): Promise<DraftNotice | null> {
  if (!event.userId) return null;
  const change = changes.get(event.type);
  if (change) return methodNotice(ctx, event, change);
  switch (event.type) {
    case 'backup-codes.generated':
      // With a first method the codes come in the same step: that method's notice tells the user.
      return currentOperation() === 'backupCodes.regenerate'
        ? draft(event, 'backup-codes-regenerated')
        : null;
    case 'backup-code.used': {
      const user = await ctx.methods.loadUser(event.userId);
      const remaining = Number(ctx.methods.status(user)['backupCodesRemaining'] ?? 0);
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
      return null;
  }
}

/** A method added or removed, or the last factor gone (then only that is told). */
async function methodNotice(
  ctx: MethodContext,
  event: TwoFactorEvent,
  change: MethodChange,
): Promise<DraftNotice | null> {
  const facts = {
    ...(event.method ? { method: event.method } : {}),
    ...(change.name ? { methodName: change.name } : {}),
  };
  if (change.off) {
    const user = await ctx.methods.loadUser(event.userId!);
    if (ctx.methods.enabledFactors(user).length === 0) return draft(event, 'two-factor-off', facts);
  }
  if (change.added) return draft(event, 'method-added', facts);
  return change.removed ? draft(event, 'method-removed', facts) : null;
}
