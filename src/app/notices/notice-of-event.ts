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

/** How one kind of event is told, if at all (some read the user first). */
type NoticeRule = (
  ctx: MethodContext,
  event: TwoFactorEvent,
) => DraftNotice | null | Promise<DraftNotice | null>;

/** A sign-in's lock or end: after the correct password, so someone may have it. */
const suspicious: NoticeRule = (_ctx, event) =>
  event.detail?.['purpose'] === 'login' ? draft(event, 'suspicious-sign-in') : null;

/** The events (other than a method's change) that may call for a notice, and how to tell. */
const RULES: Readonly<Record<string, NoticeRule>> = {
  // With a first method the codes come in the same step: that method's notice tells the user.
  'backup-codes.generated': (_ctx, event) =>
    currentOperation() === 'backupCodes.regenerate' ? draft(event, 'backup-codes-regenerated') : null,
  'backup-code.used': async (ctx, event) => {
    const user = await ctx.methods.loadUser(event.userId!);
    const remaining = Number(ctx.methods.status(user)['backupCodesRemaining'] ?? 0);
    return remaining <= LOW_BACKUP_CODES
      ? draft(event, 'backup-codes-low', { backupCodesRemaining: remaining })
      : null;
  },
  'admin.backup-code-issued': (_ctx, event) =>
    draft(event, 'admin-code-issued', event.actor ? { actor: event.actor } : {}),
  'admin.reset': (_ctx, event) => draft(event, 'admin-reset', event.actor ? { actor: event.actor } : {}),
  'device.trusted': (_ctx, event) => {
    const label = event.detail?.['label'];
    return draft(event, 'new-trusted-browser', typeof label === 'string' ? { deviceLabel: label } : {});
  },
  'challenge.locked': suspicious,
  'account.locked': suspicious,
  'challenge.ended': suspicious,
};

/**
 * Whether an event may call for a notice at all, told at once: most events (every wrong code's
 * `verify.failed`) call for none, and the notifier then starts no work for them.
 */
export function mayCallForNotice(event: TwoFactorEvent, changes: ReadonlyMap<string, MethodChange>): boolean {
  return event.userId !== undefined && (changes.has(event.type) || Object.hasOwn(RULES, event.type));
}

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
  const rule = Object.hasOwn(RULES, event.type) ? RULES[event.type] : undefined;
  return rule ? rule(ctx, event) : null;
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
