import { FactorkitError } from '../core/errors.js';
import { accountLockSchedule, challengeLockSchedule } from '../core/policy/lock-schedules.js';
import type { Policy } from '../core/policy/policy-schema.js';
import { storeKeys } from '../store/keys.js';
import {
  type AttemptSchedule,
  attemptState,
  type CommitResult,
  type Fields,
  type Store,
  type StoredRecord,
  type StoreOp,
} from '../store/store.js';

/** The verdict on one guess, before the code is evaluated. */
export type AttemptVerdict =
  | {
      ok: true;
      /** The challenge record's fields after counting this attempt. */
      fields: Fields;
      attempt: number;
      attemptsLeft: number;
      /** The lock this attempt arms if its code is wrong (0 = none), per scope. */
      challengeLockedUntil: number;
      accountLockedUntil: number;
      /** The account record's fields after counting this attempt (null when not counted). */
      account: Fields | null;
    }
  | {
      ok: false;
      reason: 'locked';
      retryAt: number;
      attemptsLeft: number;
      scope: 'challenge' | 'account';
    }
  | { ok: false; reason: 'ended' | 'expired' | 'missing' };

/** "Please try again in five minutes.": the help page's words for a lock of that length. */
export function lockMessage(lockMs: number): string {
  const minutes = Math.max(1, Math.ceil(lockMs / 60_000));
  const words = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
  if (minutes <= 10) return `Please try again in ${words[minutes]} minute${minutes === 1 ? '' : 's'}.`;
  if (minutes < 120) return `Please try again in ${minutes} minutes.`;
  return `Please try again in ${Math.ceil(minutes / 60)} hours.`;
}

/** Schedules worked out once per policy object (the policy cache hands out the same one until it changes). */
const schedules = new WeakMap<Policy, Partial<Record<'challenge' | 'account', AttemptSchedule>>>();

function schedulesOf(
  policy: Policy,
  scope: 'challenge' | 'account',
  make: () => AttemptSchedule,
): AttemptSchedule {
  let known = schedules.get(policy);
  if (!known) {
    known = {};
    schedules.set(policy, known);
  }
  known[scope] ??= make();
  return known[scope];
}

/**
 * Counts guesses as the help page says: per challenge, 5 attempts with a five-minute lock after
 * failures 3 and 4; per account, across challenges, a budget whose locks double. An attempt is
 * taken atomically (both scopes in one commit) before the code is evaluated, so concurrent guesses
 * can never evaluate more codes than the schedule allows, on any number of app instances.
 *
 * Reads and writes: the challenge (or pending setup) record given, and the user's account-attempts
 * record (`attempts`, `lockedUntil`, a 30-day sliding expiry).
 *
 * @example
 * const limiter = new AttemptLimiter({ store, now: Date.now });
 * const { verdict } = await limiter.take(challengeKey, userId, policy);
 * if (!verdict.ok) return verdict; // locked, ended, expired or missing: evaluate nothing
 */
export class AttemptLimiter {
  private readonly store: Store;
  private readonly now: () => number;

  constructor(options: { store: Store; now?: () => number }) {
    this.store = options.store;
    this.now = options.now ?? Date.now;
  }

  /**
   * Takes one attempt on `challengeKey` (which must exist) and, when `userId` is given, on the
   * user's account, and reads `read` keys in the same atomic step: one round trip.
   */
  async take(
    challengeKey: string,
    userId: string | null,
    policy: Policy,
    options: { read?: readonly string[]; now?: number } = {},
  ): Promise<{ verdict: AttemptVerdict; read: ReadonlyArray<StoredRecord | null> }> {
    const now = options.now ?? this.now();
    const result = await this.store.commit(this.takeOps(challengeKey, userId, policy), now, options.read);
    return { verdict: this.interpret(result, policy, now), read: result.ok ? (result.read ?? []) : [] };
  }

  /** The schedule of one challenge (or one pending setup) under `policy`. */
  challengeSchedule(policy: Policy): AttemptSchedule {
    return schedulesOf(policy, 'challenge', () => ({
      maxAttempts: policy.attempts.perChallenge,
      freeAttempts: 0,
      lockMs: challengeLockSchedule(policy),
      ttlMs: policy.challengeTtlMs,
      slide: false,
      afterLockMs: policy.attempts.lockMs,
    }));
  }

  /** The account's schedule under `policy`. */
  accountSchedule(policy: Policy): AttemptSchedule {
    return schedulesOf(policy, 'account', () => ({
      maxAttempts: null,
      ...accountLockSchedule(policy),
      ttlMs: policy.attempts.accountWindowMs,
      slide: true,
      afterLockMs: policy.attempts.accountWindowMs,
    }));
  }

  /** The ops that take one attempt: on the challenge record (which must exist) and, if given, the account. */
  takeOps(challengeKey: string, userId: string | null, policy: Policy): StoreOp[] {
    const ops: StoreOp[] = [
      { type: 'attempt', key: challengeKey, schedule: this.challengeSchedule(policy), mustExist: true },
    ];
    if (userId !== null) {
      ops.push({
        type: 'attempt',
        key: storeKeys.accountAttempts(userId),
        schedule: this.accountSchedule(policy),
        mustExist: false,
      });
    }
    return ops;
  }

  /** Reads the commit of {@link takeOps} as a verdict. */
  interpret(result: CommitResult, policy: Policy, now: number): AttemptVerdict {
    const max = policy.attempts.perChallenge;
    if (!result.ok) {
      if (result.reason === 'locked') {
        const challenge = result.index === 0 ? attemptState(result.fields) : null;
        return {
          ok: false,
          reason: 'locked',
          retryAt: attemptState(result.fields).lockedUntil,
          attemptsLeft: challenge ? max - challenge.attempts : max,
          scope: result.index === 0 ? 'challenge' : 'account',
        };
      }
      if (result.reason === 'ended' || result.reason === 'expired' || result.reason === 'missing') {
        return { ok: false, reason: result.reason };
      }
      throw new FactorkitError('BUG', `an attempt op failed with ${result.reason}`);
    }
    const fields = result.results[0] as Fields;
    const challenge = attemptState(fields);
    const accountFields = result.results[1] ?? null;
    const account = accountFields ? attemptState(accountFields) : { lockedUntil: 0 };
    return {
      ok: true,
      fields,
      attempt: challenge.attempts,
      attemptsLeft: max - challenge.attempts,
      challengeLockedUntil: challenge.lockedUntil > now ? challenge.lockedUntil : 0,
      accountLockedUntil: account.lockedUntil > now ? account.lockedUntil : 0,
      account: accountFields,
    };
  }

  /**
   * The op that clears the account's count after a success: an update in place (a row rewritten,
   * not deleted and created again on every login), keeping the record for its window.
   */
  resetAccountOp(userId: string, policy: Policy, now: number): StoreOp {
    return {
      type: 'merge',
      key: storeKeys.accountAttempts(userId),
      fields: { attempts: '0', lockedUntil: '0' },
      create: true,
      expiresAt: now + policy.attempts.accountWindowMs,
    };
  }

  /**
   * The op that gives a successful attempt back to the account (when successes do not reset it):
   * one less attempt, and no lock armed by it. Guarded on the record being as this attempt left it,
   * so a concurrent attempt is never undone (the refund is then skipped: the count stays higher).
   */
  refundOp(userId: string, accountAfter: Fields, now: number): StoreOp {
    const { attempts, lockedUntil } = attemptState(accountAfter);
    // The attempt was allowed, so any lock it shows was armed by it.
    const restored = lockedUntil > now ? '0' : String(lockedUntil);
    return {
      type: 'merge',
      key: storeKeys.accountAttempts(userId),
      fields: { attempts: String(Math.max(0, attempts - 1)), lockedUntil: restored },
      match: { attempts: String(attempts), lockedUntil: String(lockedUntil) },
    };
  }
}
