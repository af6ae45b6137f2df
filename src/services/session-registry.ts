import type { Policy } from '../core/policy/policy-schema.js';
import { type RandomSource, randomToken, secureRandom } from '../core/random.js';
import { storeKeys } from '../store/keys.js';
import type { Store, StoredRecord, StoreOp } from '../store/store.js';

const SESSION_KEY = /^[A-Za-z0-9_-]{22}$/;

/** What a session that is not signed in yet waits for: a code (a pending login) or a first method's setup. */
export type SessionWait = 'code' | 'setup';

/** A waiting session outlives what it waits for by this long, as a challenge's record does. */
const LATE_ANSWER_MS = 3_600_000;

/**
 * How long a session lives: a waiting one as long as what it waits for (a challenge's
 * `challengeTtlMs`, a setup's `setupTtlMs`) and an hour for a late answer to be told "expired";
 * a signed-in one `sessionMaxAgeMs`, which starts at sign-in. So every password post leaves a
 * record for 75 minutes, not 30 days.
 */
export function sessionTtlMs(policy: Policy, waitsFor?: SessionWait): number {
  if (waitsFor === undefined) return policy.sessionMaxAgeMs;
  const waitMs = waitsFor === 'code' ? policy.challengeTtlMs : policy.setupTtlMs;
  return Math.min(policy.sessionMaxAgeMs, waitMs + LATE_ANSWER_MS);
}

/**
 * Which signed-in sessions are still open, kept in factorkit's store rather than trusted to the
 * host's session store: a session store that writes a request's session back when the request ends
 * can resurrect a session that was signed out meanwhile, and a session made before a 2FA change
 * (2FA turned on or off, an admin reset, every browser revoked) must not outlive it.
 *
 * Reads and writes: `{user}:session:<hash of the key>` (one per open session, `since` = when it was
 * opened or renewed, expiring after its lifetime; named by a hash, so a readable store hands out no
 * live session) and `{user}:sessions-from` (sessions opened before this instant are ended).
 *
 * @example
 * const key = await sessions.open('ana');        // after the sign-in; keep it in the host's session
 * await sessions.isOpen('ana', key);             // on each request: false once closed or ended
 * await store.commit([sessions.endAllOp('ana')], Date.now()); // "sign out everywhere"
 */
export class SessionRegistry {
  private readonly store: Store;
  private readonly now: () => number;
  private readonly random: RandomSource;

  constructor(options: { store: Store; now?: () => number; random?: RandomSource }) {
    this.store = options.store;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? secureRandom;
  }

  /**
   * When a session made now starts: now, or, when an {@link SessionRegistry.endAllOp} of this very
   * millisecond came first, just past it (a session made after "end them all" is not one of them).
   */
  private async since(userId: string, now: number): Promise<number> {
    const from = await this.store.get(storeKeys.sessionsFrom(userId), now);
    return Math.max(now, Number(from?.fields['from'] ?? 0));
  }

  /**
   * Opens a session for `userId` for `ttlMs`, closing `replaces` (the key the session held before
   * this privilege change) in the same step. Returns the new key. With `provenAt` (when the proof
   * that opens it was accepted) the session dates from its proof: one ended after the proof, while
   * the request was on its way, opens ended.
   */
  async open(userId: string, ttlMs: number, replaces?: string | null, provenAt?: number): Promise<string> {
    const now = this.now();
    // An end in the very millisecond of the proof counts as before it (endAllOp ends sessions
    // dated before its millisecond + 1): the tie goes to the session, as for one made now.
    const since = provenAt === undefined ? await this.since(userId, now) : provenAt + 1;
    const opening = this.openOps(userId, { ttlMs, since, now, replaces: replaces ?? null });
    await this.store.commit(opening.ops, now);
    return opening.key;
  }

  /**
   * The ops that open a session (dated `since`) in a commit of the caller's, and its new key: the
   * sign-in committed with the proof that earns it. `replaces` is closed in the same step; with
   * `replacedMustBeOpen` a session closed meanwhile fails the commit (`missing` at `replacedAt`).
   */
  openOps(
    userId: string,
    opening: {
      ttlMs: number;
      since: number;
      now: number;
      replaces: string | null;
      replacedMustBeOpen?: boolean;
    },
  ): { key: string; ops: StoreOp[]; replacedAt: number } {
    const key = randomToken(this.random, 16);
    const ops: StoreOp[] = [
      {
        type: 'put',
        key: storeKeys.session(userId, key),
        fields: { since: String(opening.since) },
        expiresAt: opening.now + opening.ttlMs,
      },
    ];
    const { replaces } = opening;
    if (replaces && SESSION_KEY.test(replaces)) {
      const replaced = storeKeys.session(userId, replaces);
      ops.push(
        opening.replacedMustBeOpen ? { type: 'take', key: replaced } : { type: 'delete', key: replaced },
      );
    }
    return { key, ops, replacedAt: ops.length - 1 };
  }

  /**
   * The op that fails a commit when the user's sessions were ended (an {@link SessionRegistry.endAllOp})
   * since `read`, their `sessions-from` record as an earlier commit of the same operation read it
   * (null: there was none); it writes nothing.
   */
  notEndedSinceOp(userId: string, read: StoredRecord | null): StoreOp {
    const key = storeKeys.sessionsFrom(userId);
    const from = read?.fields['from'];
    return from === undefined ? { type: 'absent', key } : { type: 'merge', key, fields: {}, match: { from } };
  }

  /**
   * The keys whose records say whether a session is open, for a read in a commit of the caller's
   * (the attempt of a verify); {@link SessionRegistry.openIn} judges what was read.
   */
  checkKeys(userId: string, key: string): string[] {
    return SESSION_KEY.test(key) ? [storeKeys.session(userId, key), storeKeys.sessionsFrom(userId)] : [];
  }

  /** Whether the records {@link SessionRegistry.checkKeys} named, read in that order, show an open session. */
  openIn(read: ReadonlyArray<StoredRecord | null>): boolean {
    const [session, from] = read;
    return session ? Number(session.fields['since'] ?? 0) >= Number(from?.fields['from'] ?? 0) : false;
  }

  /** Whether the session is open: not closed, not expired, not ended by {@link SessionRegistry.endAllOp}. */
  async isOpen(userId: string, key: string): Promise<boolean> {
    return (await this.inspect(userId, key)).open;
  }

  /**
   * Whether the session is open, and the records `also` names (of the same user), read in the same
   * round trip: what a guard needs on every request.
   */
  async inspect(
    userId: string,
    key: string,
    also: readonly string[] = [],
  ): Promise<{ open: boolean; records: Array<StoredRecord | null> }> {
    const checked = this.checkKeys(userId, key);
    if (checked.length === 0) return { open: false, records: also.map(() => null) };
    const read = await this.store.getMany([...checked, ...also], this.now());
    return { open: this.openIn(read), records: read.slice(checked.length) };
  }

  /** Keeps this session open after a change that ended the user's sessions (the one that made it). */
  async renew(userId: string, key: string): Promise<boolean> {
    if (!SESSION_KEY.test(key)) return false;
    const now = this.now();
    const fields = { since: String(await this.since(userId, now)) };
    return (await this.store.commit([{ type: 'merge', key: storeKeys.session(userId, key), fields }], now))
      .ok;
  }

  /** Closes one session (sign-out). */
  async close(userId: string, key: string): Promise<void> {
    if (!SESSION_KEY.test(key)) return;
    await this.store.commit([{ type: 'delete', key: storeKeys.session(userId, key) }], this.now());
  }

  /**
   * The op that ends every session of the user opened until now: committed with the change that
   * calls for it. It expires after `maxTtlMs`, when no session it ends can still be open. `now`: the
   * commit's, when a session dated after the end opens in the same commit.
   */
  endAllOp(userId: string, maxTtlMs: number, now = this.now()): Extract<StoreOp, { type: 'put' }> {
    return {
      type: 'put',
      key: storeKeys.sessionsFrom(userId),
      fields: { from: String(now + 1) }, // this millisecond included
      expiresAt: now + maxTtlMs,
    };
  }
}
