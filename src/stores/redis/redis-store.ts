import type { Cluster, Redis } from 'ioredis';
import { FactorkitError, StoreUnavailableError } from '../../core/errors.js';
import { assertDistinctKeys } from '../../store/apply-ops.js';
import type { CommitResult, ScanPage, Store, StoredRecord, StoreOp } from '../../store/store.js';
import { boundedCall } from '../bounded-call.js';
import { type CommitReply, commitArgs, type FlatRecord, parseCommit, parseRecord } from './redis-codec.js';
import {
  classifyRedisFailure,
  clientAddress,
  evictionPolicies,
  judgeEvictionPolicies,
} from './redis-eviction.js';
import { checkLayout, type LayoutIo, migrateToCurrentLayout } from './redis-layout.js';
import { scanKeys } from './redis-scan.js';
import { COMMIT_LUA, GET_MANY_LUA } from './redis-scripts.js';
import { assertOneSlot, clusterSlot } from './redis-slots.js';

/** Options of {@link RedisStore}. */
export interface RedisStoreOptions {
  /** An ioredis client or Cluster the host created and owns. */
  client: Redis | Cluster;
  /** Prefix of every key (default `factorkit:`); must not contain `{` or `}`. */
  prefix?: string;
  /** A call that has not answered after this long fails with `STORE_UNAVAILABLE` (default 2000). */
  commandTimeoutMs?: number;
  /**
   * Accept a server whose `maxmemory-policy` is `allkeys-*` (default false). Such a server may evict
   * any key under memory pressure, TOTP and email enrolments included: users are silently
   * un-enrolled. Only for a Redis that never reaches `maxmemory`.
   */
  allowEvictingPolicy?: boolean;
}

type ScriptClient = (Redis | Cluster) & {
  factorkitGetMany(args: string[]): Promise<Array<FlatRecord | null>>;
  factorkitCommit(args: string[]): Promise<CommitReply>;
};

/**
 * The store for apps that run on many instances over one Redis or one Redis Cluster. Every commit
 * is one Lua script (EVALSHA, one round trip, atomic on the server); reads of many keys are one
 * script too. Keys of one user share a `{hash tag}`, so a cluster keeps them in one slot and runs
 * the scripts; keys of one call that span slots throw `CROSS_SLOT`, on a single server too.
 *
 * Before its first command the store reads `maxmemory-policy` (on every master of a cluster) and
 * refuses an `allkeys-*` policy with `CONFIG`: it would evict enrolments. It then reads the data
 * layout (the key `<prefix>layout`) and refuses, with `CONFIG`, any but its own: data of factorkit
 * 0.1 needs {@link RedisStore.migrate} first. A prefix with no data gets the current layout.
 *
 * @example
 * import Redis, { Cluster } from 'ioredis';
 * const store = new RedisStore({ client: new Redis(process.env.REDIS_URL), prefix: 'myapp:2fa:' });
 * const clustered = new RedisStore({ client: new Cluster([{ host: 'redis-1', port: 6379 }]) });
 */
export class RedisStore implements Store {
  private readonly client: ScriptClient;
  private readonly prefix: string;
  private readonly timeoutMs: number;
  private readonly allowEvictingPolicy: boolean;
  /** Set once both checks passed, so later calls skip them without an await. */
  private ready = false;
  private policyCheck: Promise<void> | null = null;
  private layoutCheck: Promise<void> | null = null;
  private readonly layoutIo: LayoutIo;

  /** @throws {FactorkitError} `CONFIG` for a bad prefix or a missing client. */
  constructor(options: RedisStoreOptions) {
    if (!options?.client || typeof options.client.defineCommand !== 'function') {
      throw new FactorkitError('CONFIG', '[redis] option client must be an ioredis client', {
        field: 'client',
      });
    }
    const prefix = options.prefix ?? 'factorkit:';
    if (/[{}]/.test(prefix))
      throw new FactorkitError('CONFIG', '[redis] option prefix must not contain { or }', {
        field: 'prefix',
      });
    this.prefix = prefix;
    this.timeoutMs = options.commandTimeoutMs ?? 2000;
    this.allowEvictingPolicy = options.allowEvictingPolicy === true;
    const client = options.client as ScriptClient;
    if (typeof client.factorkitCommit !== 'function') {
      client.defineCommand('factorkitGetMany', { lua: GET_MANY_LUA });
      client.defineCommand('factorkitCommit', { lua: COMMIT_LUA });
    }
    this.client = client;
    this.layoutIo = {
      client,
      prefix,
      bounded: (what, run) => this.bounded(what, run),
      getMany: (keys, now) => this.readMany(keys, now),
      commit: (ops, now) => this.apply(ops, now, undefined),
    };
  }

  /**
   * A call with its deadline. Failed while the client is not connected, it says so, with the
   * address: a server that is down reads as one, not as the call that happened to be first.
   */
  private bounded<T>(what: string, run: () => Promise<T>): Promise<T> {
    return boundedCall('redis', what, this.timeoutMs, run, classifyRedisFailure).catch((error: unknown) => {
      const status = this.client.status;
      if (!(error instanceof StoreUnavailableError) || status === 'ready') throw error;
      const reason = (error.cause as Error | undefined)?.message ?? 'no answer';
      throw new StoreUnavailableError(
        'redis',
        `cannot reach Redis at ${clientAddress(this.client)} (connection ${status}): ${what} failed: ${reason}`,
        error.cause,
      );
    });
  }

  /** Runs a call once the policy check and, unless `layout` is false, the layout check passed. */
  private async call<T>(what: string, run: () => Promise<T>, layout = true): Promise<T> {
    if (!this.ready) {
      await this.checkPolicyOnce();
      if (layout) await this.checkLayoutOnce();
    }
    return this.bounded(what, run);
  }

  /**
   * Shared by the first calls. A refused policy stays refused (every call throws `CONFIG`); an
   * outage during the check is retried by the next call.
   */
  private checkPolicyOnce(): Promise<void> {
    this.policyCheck ??= this.bounded('eviction policy check', () => evictionPolicies(this.client)).then(
      (policies) => judgeEvictionPolicies(policies, this.allowEvictingPolicy),
      (error: unknown) => {
        this.policyCheck = null;
        throw error;
      },
    );
    return this.policyCheck;
  }

  /**
   * Shared by the first calls, after the policy check. A refused layout is read again by the next
   * call, so a migration run elsewhere takes effect without a restart.
   */
  private checkLayoutOnce(): Promise<void> {
    this.layoutCheck ??= checkLayout(this.layoutIo).then(
      () => {
        this.ready = true;
      },
      (error: unknown) => {
        this.layoutCheck = null;
        throw error;
      },
    );
    return this.layoutCheck;
  }

  async get(key: string, now: number): Promise<StoredRecord | null> {
    return (await this.getMany([key], now))[0] ?? null;
  }

  getMany(keys: readonly string[], now: number): Promise<Array<StoredRecord | null>> {
    return this.readMany(keys, now, true);
  }

  commit(ops: readonly StoreOp[], now: number, read?: readonly string[]): Promise<CommitResult> {
    return this.apply(ops, now, read, true);
  }

  /**
   * One commit script per batch (each atomic on its own, as a commit), all sent at once: Redis
   * answers them in the order they came, one round trip's wait on a server; a cluster's nodes
   * answer theirs side by side. A refused batch changes nothing and stops no other.
   */
  commitEach(batches: readonly (readonly StoreOp[])[], now: number): Promise<CommitResult[]> {
    return Promise.all(batches.map((ops) => this.apply(ops, now, undefined, true)));
  }

  /**
   * Live records of many users' keys, in order: one read script per cluster slot, all sent at once
   * (Redis answers them in the order they came: one round trip's wait on a server; a cluster's
   * nodes answer theirs side by side).
   */
  async getAcross(keys: readonly string[], now: number): Promise<Array<StoredRecord | null>> {
    const bySlot = new Map<number, number[]>();
    keys.forEach((key, index) => {
      const slot = clusterSlot(this.prefix + key);
      const indexes = bySlot.get(slot);
      if (indexes) indexes.push(index);
      else bySlot.set(slot, [index]);
    });
    const out = new Array<StoredRecord | null>(keys.length).fill(null);
    await this.call('read', () =>
      Promise.all(
        [...bySlot.values()].map(async (indexes) => {
          const prefixed = indexes.map((index) => this.prefix + keys[index]);
          const raw = await this.client.factorkitGetMany([String(prefixed.length), ...prefixed, String(now)]);
          raw.forEach((record, i) => {
            out[indexes[i]!] = parseRecord(record);
          });
        }),
      ),
    );
    return out;
  }

  /**
   * The keys under the prefix, a page at a time (Redis SCAN; every master of a cluster in turn).
   * Keys of records expired by the caller's clock may come too: Redis drops them in real time.
   */
  scan(cursor: string, limit: number, _now: number): Promise<ScanPage> {
    return this.call('scan', () => scanKeys(this.client, this.prefix, cursor, limit));
  }

  /**
   * Moves factorkit 0.1 data (layout 1: `{tag}:totp`, `{tag}:totp-step`, `{tag}:email`,
   * `{tag}:admin-code`) into layout 2 (fields of `{tag}:user`), one atomic commit per user, then
   * records layout 2 so the store runs. SCANs every master; works while the store refuses other
   * calls. Safe to run again, and to resume after a crash. Run it with no 0.1 instance still writing.
   * @param options.now The instant admin-issued codes are judged at (default: now): expired ones are dropped.
   * @returns How many users had layout-1 records to move.
   * @throws {FactorkitError} `CONFIG` when the data has a newer (or unknown) layout, or for an allkeys-* policy;
   *   `STORE_UNAVAILABLE` when Redis fails (run it again).
   * @example
   * const { users } = await new RedisStore({ client, prefix: 'myapp:2fa:' }).migrate();
   */
  async migrate(options: { now?: number } = {}): Promise<{ users: number }> {
    await this.checkPolicyOnce();
    const moved = await migrateToCurrentLayout(this.layoutIo, options.now ?? Date.now());
    this.layoutCheck = Promise.resolve();
    this.ready = true;
    return moved;
  }

  private async readMany(
    keys: readonly string[],
    now: number,
    layout = false,
  ): Promise<Array<StoredRecord | null>> {
    if (keys.length === 0) return [];
    const prefixed = keys.map((key) => this.prefix + key);
    assertOneSlot(prefixed, 'read');
    const raw = await this.call(
      'read',
      () => this.client.factorkitGetMany([String(prefixed.length), ...prefixed, String(now)]),
      layout,
    );
    return raw.map(parseRecord);
  }

  private async apply(
    ops: readonly StoreOp[],
    now: number,
    read: readonly string[] | undefined,
    layout = false,
  ): Promise<CommitResult> {
    assertDistinctKeys(ops);
    const reads = read ?? [];
    if (ops.length === 0 && reads.length === 0)
      return read ? { ok: true, results: [], read: [] } : { ok: true, results: [] };
    const keys = ops.map((op) => this.prefix + op.key);
    for (const key of reads) keys.push(this.prefix + key);
    assertOneSlot(keys, 'commit');
    const reply = await this.call(
      'commit',
      () => this.client.factorkitCommit(commitArgs(keys, ops, now)),
      layout,
    );
    return parseCommit(reply, read !== undefined);
  }
}
