import type { StepUpBudget } from '../services/attempt-limiter.js';
import { storeKeys, userIdFromTag, userTag } from '../store/keys.js';

const TOKEN = /^[A-Za-z0-9_-]{22}$/;

/** A parsed challenge id: its user, nonce, record, and the step-up budget its failures count against. */
export interface ParsedChallengeId {
  userId: string;
  nonce: string;
  /** The challenge record: named by a hash of the nonce and the budget, so neither can be swapped. */
  key: string;
  /** null: failures count against the account (a login, or a step-up started without a session). */
  budget: StepUpBudget | null;
}

/**
 * A challenge id is `<user tag>.<128-bit nonce>`, and for a step-up counted against a session or a
 * trusted browser `.s<session ref>` or `.d<device id>` after it: the user and the budget are known
 * before any store access, so the attempt and its budget are taken in one commit.
 */
export function parseChallengeId(challengeId: unknown): ParsedChallengeId | null {
  if (typeof challengeId !== 'string' || challengeId.length > 1024) return null;
  // Cut at the dots by hand: `split` is a call into V8's runtime and an array per verify.
  const first = challengeId.indexOf('.');
  const second = first < 0 ? -1 : challengeId.indexOf('.', first + 1);
  if (first < 0 || (second >= 0 && challengeId.indexOf('.', second + 1) >= 0)) return null;
  const tag = challengeId.slice(0, first);
  const nonce = second < 0 ? challengeId.slice(first + 1) : challengeId.slice(first + 1, second);
  const budgetPart = second < 0 ? undefined : challengeId.slice(second + 1);
  if (!TOKEN.test(nonce)) return null;
  const userId = userIdFromTag(tag);
  if (userId === null) return null;
  let budget: StepUpBudget | null = null;
  if (budgetPart !== undefined) {
    const kind = budgetPart[0];
    const ref = budgetPart.slice(1);
    if (!TOKEN.test(ref) || (kind !== 's' && kind !== 'd')) return null;
    budget =
      kind === 's'
        ? { kind: 'session', key: storeKeys.sessionByRef(userId, ref) }
        : { kind: 'device', key: storeKeys.stepUpByDevice(userId, ref), deviceId: ref };
  }
  return { userId, nonce, key: challengeKeyOf(userId, nonce, budgetPart ?? null), budget };
}

/** The id of a new challenge (`budget`: `s<session ref>` or `d<device id>` for a counted step-up). */
export function challengeIdOf(userId: string, nonce: string, budget: string | null): string {
  return budget === null ? `${userTag(userId)}.${nonce}` : `${userTag(userId)}.${nonce}.${budget}`;
}

/** The record of a new challenge, as {@link parseChallengeId} finds it again. */
export function challengeKeyOf(userId: string, nonce: string, budget: string | null): string {
  return storeKeys.challenge(userId, budget === null ? nonce : `${nonce}.${budget}`);
}
