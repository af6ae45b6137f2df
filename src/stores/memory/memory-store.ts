import { planCommit } from '../../store/apply-ops.js';
import type { CommitResult, ScanPage, Store, StoredRecord, StoreOp } from '../../store/store.js';

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /** Records each commit examines for expiry (default 8): sweeping costs every commit a little, never one a lot. */
  sweepBatch?: number;
}

/**
 * The embedded store: one process, no persistence. Commits are synchronous inside the event loop,
 * so they are atomic. Each commit also looks at the next `sweepBatch` records, round and round, and
 * removes the expired ones, so memory stays bounded by the live records without a pause to sweep.
 * For tests, demos and single-instance apps.
 */
export class MemoryStore implements Store {
  private readonly records = new Map<string, StoredRecord>();
  private readonly sweepBatch: number;
  private cursor: Iterator<[string, StoredRecord]> | null = null;

  constructor(options: MemoryStoreOptions = {}) {
    this.sweepBatch = options.sweepBatch ?? 8;
  }

  /** Records held, live or not yet swept. */
  get size(): number {
    return this.records.size;
  }

  /** Removes every record expired at `now`; returns how many. */
  sweep(now: number): number {
    let removed = 0;
    for (const [key, record] of this.records) {
      if (record.expiresAt !== null && record.expiresAt <= now) {
        this.records.delete(key);
        removed++;
      }
    }
    return removed;
  }

  /** Looks at the next `sweepBatch` records of the round and removes the expired ones. */
  private sweepSome(now: number): void {
    for (let i = 0; i < this.sweepBatch; i++) {
      this.cursor ??= this.records.entries();
      const next = this.cursor.next();
      if (next.done) {
        this.cursor = null;
        return;
      }
      const [key, record] = next.value;
      if (record.expiresAt !== null && record.expiresAt <= now) this.records.delete(key);
    }
  }

  private live(key: string, now: number): StoredRecord | null {
    const record = this.records.get(key);
    if (!record) return null;
    if (record.expiresAt !== null && record.expiresAt <= now) {
      this.records.delete(key);
      return null;
    }
    return record;
  }

  private copyOf(record: StoredRecord | null): StoredRecord | null {
    return record ? { fields: { ...record.fields }, expiresAt: record.expiresAt } : null;
  }

  async get(key: string, now: number): Promise<StoredRecord | null> {
    return this.copyOf(this.live(key, now));
  }

  /** Keys of many users in one read: this store has no cluster slots to keep apart. */
  getAcross(keys: readonly string[], now: number): Promise<Array<StoredRecord | null>> {
    return this.getMany(keys, now);
  }

  async getMany(keys: readonly string[], now: number): Promise<Array<StoredRecord | null>> {
    return Promise.all(keys.map((key) => this.get(key, now)));
  }

  /** Live keys after `cursor` (the last key of the previous page), in order. */
  async scan(cursor: string, limit: number, now: number): Promise<ScanPage> {
    const after = [...this.records.keys()].filter((key) => key > cursor && this.live(key, now) !== null);
    const keys = after.sort().slice(0, Math.max(1, limit));
    return { keys, cursor: after.length > keys.length ? keys[keys.length - 1]! : '' };
  }

  async commit(ops: readonly StoreOp[], now: number, read?: readonly string[]): Promise<CommitResult> {
    // Synchronous from here to the writes: nothing else runs between the reads, checks and writes.
    // The ops read the records as they are (evaluation never changes them); reads go out as copies.
    const { result, changes } = planCommit(ops, now, read, (key) => this.live(key, now));
    for (const { key, record } of changes) {
      if (record) this.records.set(key, record);
      else this.records.delete(key);
    }
    this.sweepSome(now);
    if (result.ok && result.read)
      return { ...result, read: result.read.map((record) => this.copyOf(record)) };
    return result;
  }

  /** Each batch as its own commit: in memory a round trip costs nothing to save. */
  commitEach(batches: readonly (readonly StoreOp[])[], now: number): Promise<CommitResult[]> {
    return Promise.all(batches.map((ops) => this.commit(ops, now)));
  }
}
