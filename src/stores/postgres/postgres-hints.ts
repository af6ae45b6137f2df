import type { CommitResult, Fields, StoredRecord, StoreOp } from '../../store/store.js';

/**
 * How long a record stays a hint: a verify's attempt follows the challenge's start by the time a
 * person takes to type a code, its success commit follows the attempt within ms.
 */
const HINT_TTL_MS = 300_000;
/**
 * At most this many keys are remembered (the oldest go first): a login's start leaves about five (the
 * user's records, the account's, the challenge), so the sign-ins of the last five minutes up to about
 * 3,000 in flight per process, holding records the reads returned anyway (a few MB at most). A hint
 * is worth a round trip, never more memory than that.
 */
const MAX_HINTS = 16_384;

/**
 * The records this process's last reads and commits answered or wrote, per key (null: none): a
 * challenge as `put` or `insert` wrote it, the challenge and account a code page read, an attempt's
 * record as the attempt left it, the records read with it, the records a compare-and-set wrote. Only a hint: a compare-and-set built on it writes nothing
 * unless every record is still exactly this (postgres-cas.ts), so a stale hint costs a round trip,
 * never a wrong result. A hint is used once, and forgotten by any commit that may change its key.
 */
export class CommitHints {
  private readonly byKey = new Map<string, { fields: Fields | null; at: number }>();

  /** Remembers what a commit of the commit function answered (after forgetting its keys). */
  remember(
    ops: readonly StoreOp[],
    read: readonly string[] | undefined,
    result: CommitResult,
    now: number,
  ): void {
    this.forget(ops);
    if (!result.ok) return;
    this.rememberRead(ops, read, result, now);
    for (const [index, op] of ops.entries()) {
      if (op.type === 'attempt') this.set(op.key, result.results[index] ?? null, now);
      // What a put or an insert leaves is known whole: its fields, live until its expiry.
      else if (op.type === 'put' || op.type === 'insert') {
        const live = Object.keys(op.fields).length > 0 && (op.expiresAt === null || op.expiresAt > now);
        this.set(op.key, live ? { ...op.fields } : null, now);
      }
    }
  }

  /** Remembers what a compare-and-set wrote (its records, by key) and read. */
  rememberWritten(
    written: ReadonlyArray<[string, Fields | null]>,
    ops: readonly StoreOp[],
    read: readonly string[] | undefined,
    result: CommitResult,
    now: number,
  ): void {
    this.rememberRead(ops, read, result, now);
    for (const [key, fields] of written) this.set(key, fields, now);
  }

  /** Remembers records read (null: none), by key. */
  rememberRecords(keys: readonly string[], records: ReadonlyArray<StoredRecord | null>, now: number): void {
    for (const [index, key] of keys.entries()) this.set(key, records[index]?.fields ?? null, now);
  }

  /**
   * Takes the hints of every op's key (they are used once), or null when one is missing or old. A
   * put needs none (it writes its record whatever was there), but a commit of puts alone gets null.
   */
  take(ops: readonly StoreOp[], now: number): Map<string, Fields | null> | null {
    const found = new Map<string, Fields | null>();
    let needed = 0;
    for (const op of ops) {
      if (op.type === 'put') continue;
      needed++;
      const hint = this.byKey.get(op.key);
      if (!hint || Math.abs(now - hint.at) > HINT_TTL_MS) break;
      found.set(op.key, hint.fields);
    }
    this.forget(ops);
    // A commit of puts alone is no compare-and-set: it has nothing to compare.
    return needed > 0 && found.size === needed ? found : null;
  }

  /** The records read with a commit, but for those its ops write. */
  private rememberRead(
    ops: readonly StoreOp[],
    read: readonly string[] | undefined,
    result: CommitResult,
    now: number,
  ): void {
    if (!result.ok || !read) return;
    const written = new Set(ops.map((op) => op.key));
    for (const [index, key] of read.entries())
      if (!written.has(key)) this.set(key, result.read?.[index]?.fields ?? null, now);
  }

  /** Forgets the hints of the ops' keys. */
  forget(ops: readonly StoreOp[]): void {
    for (const op of ops) this.byKey.delete(op.key);
  }

  /** Sets a hint, first dropping the oldest ones: those past their time, and one more when full. */
  private set(key: string, fields: Fields | null, now: number): void {
    for (const [oldKey, hint] of this.byKey) {
      if (now - hint.at <= HINT_TTL_MS && this.byKey.size < MAX_HINTS) break;
      this.byKey.delete(oldKey);
    }
    this.byKey.delete(key);
    this.byKey.set(key, { fields, at: now });
  }
}
