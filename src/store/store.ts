/**
 * The storage contract. A record is a flat map of string fields with an absolute expiry in ms
 * (null = none), and always has at least one field: a write that leaves a record with none removes
 * it (a `put` of no fields deletes, a `merge` that unsets the last field deletes). Every time-dependent operation receives `now` from the caller's injected clock, so
 * stores never read a clock for logic (native TTLs are only garbage collection).
 *
 * Reads are `get`/`getMany`. Every write goes through `commit(ops)`: the ops are applied
 * atomically and all-or-nothing; a conditional op that does not hold aborts the whole commit and
 * is reported. One commit touches each key at most once, so a store may check every condition
 * first and then apply every change (Redis Lua) or run the ops in one transaction (SQL).
 */
export interface Store {
  /** A live (unexpired at `now`) record, or null. */
  get(key: string, now: number): Promise<StoredRecord | null>;
  /** Live records for many keys, in order; one round trip. */
  getMany(keys: readonly string[], now: number): Promise<Array<StoredRecord | null>>;
  /**
   * Optional: live records for keys of many users (any tags, any cluster slots), in order, in as
   * few round trips as the store can (`statusMany`). Without it, the facade reads each user's
   * keys with `getMany`, all at once.
   */
  getAcross?(keys: readonly string[], now: number): Promise<Array<StoredRecord | null>>;
  /**
   * Applies `ops` atomically, all or nothing. `read` keys are read in the same step, before the ops
   * apply, and returned with a successful result: one round trip for "count this attempt and give me
   * the user's records".
   */
  commit(ops: readonly StoreOp[], now: number, read?: readonly string[]): Promise<CommitResult>;
  /**
   * Optional: many independent commits (of different users) in as few round trips as the store
   * can, for bulk imports. Each batch is applied atomically, all or nothing, exactly as `commit`
   * would apply it; a batch whose condition fails changes nothing and leaves the others applied.
   * One result per batch, in order. Without it, callers make one `commit` per batch.
   */
  commitEach?(batches: readonly (readonly StoreOp[])[], now: number): Promise<CommitResult[]>;
  /**
   * Optional: the keys of the records, a page at a time, for maintenance that visits every record
   * (`tf.keys.usage`, `tf.keys.rekey`; without it they refuse with `CONFIG`, and nothing else
   * needs it). Start with `cursor` `''`, then pass the cursor each page returns until it is `''`.
   * Every key whose record stays live for the whole scan comes at least once; a key may come twice;
   * a record that expired, or was deleted or created during the scan, may or may not come (`get`
   * says). A page holds about `limit` keys (a store may return more, fewer or none before the
   * end). The cursor is plain text: a later call, in another process too, resumes from it.
   */
  scan?(cursor: string, limit: number, now: number): Promise<ScanPage>;
}

/** One page of {@link Store.scan}: keys, and the cursor of the next page (`''`: the scan is done). */
export interface ScanPage {
  keys: string[];
  cursor: string;
}

/** Record fields. */
export type Fields = Record<string, string>;

/** A live record. */
export interface StoredRecord {
  fields: Fields;
  /** Absolute expiry in ms since the epoch, or null. */
  expiresAt: number | null;
}

/**
 * An attempt schedule, applied atomically by the `attempt` op: refuse while locked or once
 * `maxAttempts` are used, otherwise count one attempt and arm the lock that follows it.
 */
export interface AttemptSchedule {
  /** Attempts allowed in all; null = unlimited (locks only). */
  maxAttempts: number | null;
  /** Attempts 1..freeAttempts arm no lock. */
  freeAttempts: number;
  /** Attempt `freeAttempts + i` locks the record for `lockMs[i - 1]`; past the end, the last entry repeats. */
  lockMs: readonly number[];
  /** A record created by this op expires `ttlMs` after now. */
  ttlMs: number;
  /** When true, each attempt pushes the expiry to at least now + `ttlMs` (sliding window). */
  slide: boolean;
  /** A lock keeps the record alive at least this long after the lock ends. */
  afterLockMs: number;
}

/** Ops of a {@link Store.commit}. Conditional ops abort the commit when their condition fails. */
export type StoreOp =
  /** Unconditional replace of the whole record. */
  | { type: 'put'; key: string; fields: Fields; expiresAt: number | null }
  /** Create only if no live record: fails with `exists`. */
  | { type: 'insert'; key: string; fields: Fields; expiresAt: number | null }
  /**
   * A guard; changes nothing. Fails with `exists` when a live record exists or, given `fields`,
   * when a live record has any of them (a record without them, or none, passes).
   */
  | { type: 'absent'; key: string; fields?: readonly string[] }
  /** Unconditional delete (no failure when absent). */
  | { type: 'delete'; key: string }
  /** Delete a live record whose fields include `match`: fails with `missing` or `mismatch`. Returns the fields. */
  | { type: 'take'; key: string; match?: Fields }
  /** Remove one field that must exist: fails with `missing`. Returns `{ [field]: value }`. */
  | { type: 'takeField'; key: string; field: string }
  /**
   * Change some fields of a record, under conditions, in one step: the general conditional update.
   * - A missing record fails with `missing`, unless `create` (then it starts empty).
   * - `match` fields must equal and `absent` fields must not exist, else `mismatch`.
   * - `advance` sets its numeric `field` to `value` only when it grows (a missing field grows), else
   *   `stale`: a replay floor, a compare-and-set on a counter.
   * - Then `fields` are set and `unset` removed. `expiresAt` extends the expiry (never shortens it;
   *   null = keep forever; a created record takes it, or none).
   * Returns nothing (null): a caller that needs the record reads it in the same commit.
   */
  | {
      type: 'merge';
      key: string;
      fields: Fields;
      unset?: readonly string[];
      create?: boolean;
      match?: Fields;
      absent?: readonly string[];
      advance?: { field: string; value: number };
      expiresAt?: number | null;
    }
  /**
   * Take one attempt under a schedule (fields `attempts`, `lockedUntil`, optional `ended` and
   * `deadline` of the record). Fails with `missing` (when `mustExist`), `ended` (field `ended` set or
   * all attempts used), `expired` (now past `deadline`, a lock extending it by `afterLockMs`) or
   * `locked`. Returns the record fields after the attempt.
   */
  | { type: 'attempt'; key: string; schedule: AttemptSchedule; mustExist: boolean };

/** Why a conditional op aborted a commit. */
export type OpFailure = 'exists' | 'missing' | 'mismatch' | 'stale' | 'ended' | 'expired' | 'locked';

/** Result of a commit: per-op returned fields on success, or the first failing op. */
export type CommitResult =
  | { ok: true; results: Array<Fields | null>; read?: Array<StoredRecord | null> }
  | { ok: false; index: number; reason: OpFailure; fields: Fields | null; expiresAt: number | null };

/** Reads the attempt counters of a record from its fields. */
export function attemptState(fields: Fields | null | undefined): { attempts: number; lockedUntil: number } {
  return { attempts: Number(fields?.['attempts'] ?? 0), lockedUntil: Number(fields?.['lockedUntil'] ?? 0) };
}

/** The lock that attempt number `attempt` (1-based) arms under `schedule`, in ms. */
export function lockAfterAttempt(schedule: AttemptSchedule, attempt: number): number {
  const index = attempt - schedule.freeAttempts;
  const list = schedule.lockMs;
  if (index < 1 || list.length === 0) return 0;
  return list[Math.min(index, list.length) - 1] ?? 0;
}
