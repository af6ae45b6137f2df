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

/**
 * What a step-up's wrong codes count against instead of the account (so they never arm the sign-in
 * lock): the session's own record, or, for sessions a trusted browser opened without a second
 * factor, one record per browser that all its sessions share.
 */
export type StepUpBudget =
  | { kind: 'session'; key: string }
  | { kind: 'device'; key: string; deviceId: string };

/**
 * Wrong step-up codes a budget takes before the session ends (and the browser is forgotten): one
 * challenge's worth, so a user sees the challenge's own locks (after failures 3 and 4) and the fifth
 * failure signs the session out. A success starts the count again.
 */
export const STEP_UP_FAILURES = 5;

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
      /** For a step-up counted against a budget: the attempts it has left after this one. */
      budgetLeft: number | null;
    }
  | {
      ok: false;
      reason: 'locked';
      retryAt: number;
      attemptsLeft: number;
      scope: 'challenge' | 'account';
    }
  | { ok: false; reason: 'ended' | 'expired' | 'missing' }
  /** The step-up budget is spent, or its session is gone: evaluate nothing, end the session. */
  | { ok: false; reason: 'session-ended' };

/** "Please try again in five minutes.": the help page's words for a lock of that length. */
export function lockMessage(lockMs: number): string {
  const minutes = Math.max(1, Math.ceil(lockMs / 60_000));
  const words = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
  if (minutes <= 10) return `Please try again in ${words[minutes]} minute${minutes === 1 ? '' : 's'}.`;
  if (minutes < 120) return `Please try again in ${minutes} minutes.`;
  return `Please try again in ${Math.ceil(minutes / 60)} hours.`;
}

/** Schedules worked out once per policy object (the policy cache hands out the same one until it changes). */
type Scope = 'challenge' | 'account' | StepUpBudget['kind'];
const schedules = new WeakMap<Policy, Partial<Record<Scope, AttemptSchedule>>>();

function schedulesOf(policy: Policy, scope: Scope, make: () => AttemptSchedule): AttemptSchedule {
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
    options: { read?: readonly string[]; now?: number; stepUp?: StepUpBudget | null } = {},
  ): Promise<{ verdict: AttemptVerdict; read: ReadonlyArray<StoredRecord | null> }> {
    const now = options.now ?? this.now();
    const budget = options.stepUp ?? null;
    const ops = budget
      ? [this.takeOps(challengeKey, null, policy)[0]!, this.budgetOp(budget, policy)]
      : this.takeOps(challengeKey, userId, policy);
    const result = await this.store.commit(ops, now, options.read);
    const verdict =
      budget && !result.ok && result.index === 1
        ? ({ ok: false, reason: 'session-ended' } as const)
        : this.interpret(result, policy, now, budget ? 'budget' : 'account');
    return { verdict, read: result.ok ? (result.read ?? []) : [] };
  }

  /**
   * One attempt on a step-up budget: a session's must still be open (its record exists); a trusted
   * browser's is made on first use and lives as long as any session that browser opened may.
   */
  budgetOp(budget: StepUpBudget, policy: Policy): StoreOp {
    const schedule = schedulesOf(policy, budget.kind, () => ({
      maxAttempts: STEP_UP_FAILURES,
      freeAttempts: STEP_UP_FAILURES,
      lockMs: [],
      ttlMs: policy.sessionMaxAgeMs,
      // Never on a session's record: it would stretch the session's life.
      slide: budget.kind === 'device',
      afterLockMs: 0,
    }));
    return { type: 'attempt', key: budget.key, schedule, mustExist: budget.kind === 'session' };
  }

  /** The op that starts a budget's count again after a step-up success (never recreating a session). */
  resetBudgetOp(budget: StepUpBudget): StoreOp {
    return { type: 'merge', key: budget.key, fields: { attempts: '0' } };
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

  /** Reads the commit of {@link takeOps} (or of a challenge and a step-up budget) as a verdict. */
  interpret(
    result: CommitResult,
    policy: Policy,
    now: number,
    counted: 'account' | 'budget' = 'account',
  ): AttemptVerdict {
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
    const second = result.results[1] ?? null;
    // The second op counted the account, or a step-up budget (which arms no lock).
    const accountFields = counted === 'budget' ? null : second;
    const account = accountFields ? attemptState(accountFields) : { lockedUntil: 0 };
    return {
      ok: true,
      fields,
      attempt: challenge.attempts,
      attemptsLeft: max - challenge.attempts,
      challengeLockedUntil: challenge.lockedUntil > now ? challenge.lockedUntil : 0,
      accountLockedUntil: account.lockedUntil > now ? account.lockedUntil : 0,
      account: accountFields,
      budgetLeft: counted === 'budget' ? STEP_UP_FAILURES - attemptState(second).attempts : null,
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
