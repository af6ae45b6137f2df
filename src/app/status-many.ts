import { z } from 'zod';
import type { Policy } from '../core/policy/policy-schema.js';
import { parseInput, userIdSchema } from '../core/validation.js';
import type { TwoFactorStatus } from '../methods/registry.js';
import { type UserRecords, userField } from '../methods/user-records.js';
import { parseDevices } from '../services/trusted-device-store.js';
import { storeKeys } from '../store/keys.js';
import { userFields } from '../store/layout.js';
import { attemptState, type StoredRecord } from '../store/store.js';
import type { Context } from './context.js';
import { userRules } from './method-rules.js';

/** Most users one `statusMany` call reads: one batch, one store read. */
export const STATUS_MANY_LIMIT = 1000;

/** One user's standing, for an admin's list (the agents page's 2FA column). */
export interface UserStatus extends TwoFactorStatus {
  /** The factors on that the policy allows (registry ids, login order). */
  methods: string[];
  /** The account's sign-in lock, when one is in force now (ms), else null. */
  lockedUntil: number | null;
  trustedBrowsers: number;
  /** The last sign-in that proved a second factor (ms), or null. */
  lastSecondFactorAt: number | null;
  /**
   * Against the `required` rule: `enrolled` (an allowed method is on), `optional` (not required of
   * this user), `grace` (required, may still skip until `graceUntil`), `required` (must set up).
   */
  setup: 'enrolled' | 'optional' | 'grace' | 'required';
  graceUntil: number | null;
  org: string | null;
}

const idsSchema = z.array(userIdSchema).max(STATUS_MANY_LIMIT);

/** The keys one user's status reads: the login's reads, the trusted browsers and the account's lock. */
function keysOf(ctx: Context, userId: string) {
  const reads = ctx.methods.reads(userId);
  return { reads, keys: [...reads.keys, storeKeys.devices(userId), storeKeys.accountAttempts(userId)] };
}

/** Every user's keys in one read where the store can (`getAcross`); else each user's at once. */
async function readAll(
  ctx: Context,
  keySets: string[][],
  now: number,
): Promise<Array<StoredRecord | null>[]> {
  if (ctx.store.getAcross) {
    const flat = await ctx.store.getAcross(keySets.flat(), now);
    let at = 0;
    return keySets.map((keys) => {
      at += keys.length;
      return flat.slice(at - keys.length, at);
    });
  }
  return Promise.all(keySets.map((keys) => ctx.store.getMany(keys, now)));
}

function statusOf(ctx: Context, user: UserRecords, rest: Array<StoredRecord | null>, now: number) {
  const [devices, attempts] = rest;
  const { lockedUntil } = attemptState(attempts?.fields);
  const last = userField(user, userFields.lastSecondFactorAt);
  return {
    ...(ctx.methods.status(user) as TwoFactorStatus),
    lockedUntil: lockedUntil > now ? lockedUntil : null,
    trustedBrowsers: devices ? parseDevices(devices.fields, now).length : 0,
    lastSecondFactorAt: last === undefined ? null : Number(last),
  };
}

/** `statusMany`: up to 1,000 users in one store read (plus the policy of each org met, cached). */
export function createStatusMany(ctx: Context) {
  return async (userIdsInput: readonly string[]): Promise<Map<string, UserStatus>> => {
    const userIds = [...new Set(parseInput(idsSchema, userIdsInput, 'userIds'))];
    const now = ctx.now();
    const plans = userIds.map((userId) => keysOf(ctx, userId));
    const [read, orgs] = await Promise.all([
      readAll(
        ctx,
        plans.map((plan) => plan.keys),
        now,
      ),
      Promise.all(userIds.map((userId) => ctx.orgs.of(userId))),
    ]);
    const policies = new Map<string | null, Promise<Policy>>();
    const policyOf = (org: string | null) => {
      if (!policies.has(org)) policies.set(org, ctx.policy({ org }));
      return policies.get(org)!;
    };
    const out = new Map<string, UserStatus>();
    await Promise.all(
      userIds.map(async (userId, i) => {
        const records = read[i]!;
        const split = plans[i]!.reads.keys.length;
        const user = plans[i]!.reads.records(records.slice(0, split));
        const org = orgs[i] ?? null;
        const rules = await userRules(ctx, userId, await policyOf(org), user, { now });
        const methods = ctx.methods.enabledFactors(user).filter((factor) => rules.permits(factor));
        const { requirement } = rules;
        out.set(userId, {
          ...statusOf(ctx, user, records.slice(split), now),
          methods,
          setup:
            methods.length > 0 ? 'enrolled' : requirement.kind === 'none' ? 'optional' : requirement.kind,
          graceUntil: methods.length === 0 && requirement.kind === 'grace' ? requirement.deadline : null,
          org,
        });
      }),
    );
    // In the order asked.
    return new Map(userIds.map((userId) => [userId, out.get(userId)!]));
  };
}
