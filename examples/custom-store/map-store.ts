import {
  type CommitResult,
  planCommit,
  type ScanPage,
  type Store,
  type StoredRecord,
  type StoreOp,
} from 'factorkit';

/**
 * A complete store of your own, over a Map: the shape of any store on a backend with transactions.
 * Inside one atomic step (here: synchronous code; elsewhere: a transaction that locks the keys),
 * read the live records, let `planCommit` apply the reference semantics, and write its changes.
 * Report an outage by throwing `StoreUnavailableError`; anything else you throw counts as a bug.
 */
export class MapStore implements Store {
  private readonly records = new Map<string, StoredRecord>();

  private live(key: string, now: number): StoredRecord | null {
    const record = this.records.get(key);
    if (!record || (record.expiresAt !== null && record.expiresAt <= now)) return null;
    return { fields: { ...record.fields }, expiresAt: record.expiresAt };
  }

  async get(key: string, now: number): Promise<StoredRecord | null> {
    return this.live(key, now);
  }

  async getMany(keys: readonly string[], now: number): Promise<Array<StoredRecord | null>> {
    return keys.map((key) => this.live(key, now));
  }

  async commit(ops: readonly StoreOp[], now: number, read?: readonly string[]): Promise<CommitResult> {
    const { result, changes } = planCommit(ops, now, read, (key) => this.live(key, now));
    for (const { key, record } of changes) {
      if (record) this.records.set(key, record);
      else this.records.delete(key);
    }
    return result;
  }

  /** Optional (`tf.keys` needs it): live keys after `cursor`, the last key of the previous page. */
  async scan(cursor: string, limit: number, now: number): Promise<ScanPage> {
    const after = [...this.records.keys()].filter((key) => key > cursor && this.live(key, now)).sort();
    const keys = after.slice(0, limit);
    return { keys, cursor: after.length > keys.length ? keys[keys.length - 1]! : '' };
  }
}
