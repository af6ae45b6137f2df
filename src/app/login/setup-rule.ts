import type { LoginDecision } from '../../core/policy/decide-login.js';
import type { Policy } from '../../core/policy/policy-schema.js';
import { type UserRecords, userField } from '../../methods/user-records.js';
import { storeKeys } from '../../store/keys.js';
import { userFields } from '../../store/layout.js';
import type { Context } from '../context.js';

/**
 * What a sign-in under the `required` rule leaves: the first one in grace stamps the user's grace
 * start (the rest of the grace counts from it: one write, once per user and rule), and each
 * answer is an event (`setup.deferred` with the deadline, `setup.enforced`).
 */
export async function noteSetupRule(
  ctx: Context,
  userId: string,
  user: UserRecords,
  decision: Extract<LoginDecision, { status: 'setup-recommended' | 'setup-required' }>,
  policy: Policy,
  now: number,
): Promise<void> {
  if (decision.status === 'setup-required') {
    await ctx.emit({ type: 'setup.enforced', userId });
    return;
  }
  const started = Number(userField(user, userFields.graceAt) ?? -1);
  if (started < policy.requiredSince) {
    const fields = { [userFields.graceAt]: String(now) };
    await ctx.store.commit([{ type: 'merge', key: storeKeys.user(userId), fields, create: true }], now);
  }
  await ctx.emit({ type: 'setup.deferred', userId, detail: { deadline: decision.deadline } });
}
