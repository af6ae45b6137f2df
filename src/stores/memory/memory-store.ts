import { planCommit } from '../../store/apply-ops.js';
import type { CommitResult, Store, StoredRecord, StoreOp } from '../../store/store.js';

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /** Sweep expired records after this many commits (default 1000). */
  sweepEveryCommits?: number;
}

/**
 * The embedded store: one process, no persistence. Commits are synchronous inside the event loop,
 * so they are atomic. Expired records are swept every `sweepEveryCommits` commits, so memory stays
 * bounded by the live records. For tests, demos and single-instance apps.
 */
export class MemoryStore implements Store {
  private readonly records = new Map<string, StoredRecord>();
  private readonly sweepEveryCommits: number;
  private commitsSinceSweep = 0;

  constructor(options: MemoryStoreOptions = {}) {
    this.sweepEveryCommits = options.sweepEveryCommits ?? 1000;
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

  async getMany(keys: readonly string[], now: number): Promise<Array<StoredRecord | null>> {
    return Promise.all(keys.map((key) => this.get(key, now)));
  }

  async commit(ops: readonly StoreOp[], now: number, read?: readonly string[]): Promise<CommitResult> {
    // Synchronous from here to the writes: nothing else runs between the reads, checks and writes.
    const { result, changes } = planCommit(ops, now, read, (key) => this.copyOf(this.live(key, now)));
    for (const { key, record } of changes) {
      if (record) this.records.set(key, record);
      else this.records.delete(key);
    }
    if (++this.commitsSinceSweep >= this.sweepEveryCommits) {
      this.commitsSinceSweep = 0;
      this.sweep(now);
    }
    return result;
  }
}
