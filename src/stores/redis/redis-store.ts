import type { Cluster, Redis } from 'ioredis';
import { FactorkitError } from '../../core/errors.js';
import { assertDistinctKeys } from '../../store/apply-ops.js';
import type { CommitResult, Fields, OpFailure, Store, StoredRecord, StoreOp } from '../../store/store.js';
import { boundedCall } from '../bounded-call.js';
import { classifyRedisFailure, evictionPolicies, judgeEvictionPolicies } from './redis-eviction.js';
import { COMMIT_LUA, GET_MANY_LUA } from './redis-scripts.js';
import { assertOneSlot } from './redis-slots.js';

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
  factorkitGetMany(numKeys: number, ...args: string[]): Promise<string[]>;
  factorkitCommit(numKeys: number, ...args: string[]): Promise<Array<string | number>>;
};

/** Serialises ops for Lua: keys travel in KEYS, numbers as strings (cjson keeps 14 digits only). */
function opsJson(ops: readonly StoreOp[]): string {
  return JSON.stringify(
    ops.map(({ key: _key, ...op }) => op),
    (_name, value) => (typeof value === 'number' ? String(value) : value),
  );
}

/**
 * The store for apps that run on many instances over one Redis or one Redis Cluster. Every commit
 * is one Lua script (EVALSHA, one round trip, atomic on the server); reads of many keys are one
 * script too. Keys of one user share a `{hash tag}`, so a cluster keeps them in one slot and runs
 * the scripts; keys of one call that span slots throw `CROSS_SLOT`, on a single server too.
 *
 * Before its first command the store reads `maxmemory-policy` (on every master of a cluster) and
 * refuses an `allkeys-*` policy with `CONFIG`: it would evict enrolments.
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
  /** Set once the policy check passed, so later calls skip it without an await. */
  private policyChecked = false;
  private policyCheck: Promise<void> | null = null;

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
  }

  private async call<T>(what: string, run: () => Promise<T>): Promise<T> {
    if (!this.policyChecked) await this.checkPolicyOnce();
    return boundedCall('redis', what, this.timeoutMs, run, classifyRedisFailure);
  }

  /**
   * Shared by the first calls. A refused policy stays refused (every call throws `CONFIG`); an
   * outage during the check is retried by the next call.
   */
  private checkPolicyOnce(): Promise<void> {
    this.policyCheck ??= boundedCall('redis', 'eviction policy check', this.timeoutMs, () =>
      evictionPolicies(this.client),
    ).then(
      (policies) => {
        judgeEvictionPolicies(policies, this.allowEvictingPolicy);
        this.policyChecked = true;
      },
      (error: unknown) => {
        this.policyCheck = null;
        throw error;
      },
    );
    return this.policyCheck;
  }

  async get(key: string, now: number): Promise<StoredRecord | null> {
    return (await this.getMany([key], now))[0] ?? null;
  }

  async getMany(keys: readonly string[], now: number): Promise<Array<StoredRecord | null>> {
    if (keys.length === 0) return [];
    const prefixed = keys.map((key) => this.prefix + key);
    assertOneSlot(prefixed, 'read');
    const raw = await this.call('read', () =>
      this.client.factorkitGetMany(prefixed.length, ...prefixed, String(now)),
    );
    return raw.map(parseRecord);
  }

  async commit(ops: readonly StoreOp[], now: number, read: readonly string[] = []): Promise<CommitResult> {
    assertDistinctKeys(ops);
    if (ops.length === 0 && read.length === 0) return { ok: true, results: [] };
    const keys = [...ops.map((op) => this.prefix + op.key), ...read.map((key) => this.prefix + key)];
    assertOneSlot(keys, 'commit');
    const reply = await this.call('commit', () =>
      this.client.factorkitCommit(keys.length, ...keys, String(now), opsJson(ops)),
    );
    if (Number(reply[0]) === 1) {
      const results = reply.slice(1, 1 + ops.length).map(parseFields);
      if (read.length === 0) return { ok: true, results };
      return {
        ok: true,
        results,
        read: reply.slice(1 + ops.length).map((json) => parseRecord(json as string)),
      };
    }
    const expiresAt = reply[4] === '' || reply[4] === undefined ? null : Number(reply[4]);
    return {
      ok: false,
      index: Number(reply[1]),
      reason: reply[2] as OpFailure,
      fields: parseFields(reply[3]),
      expiresAt,
    };
  }
}

/** A record as the scripts return it (`{ f: fields, e: expiry }` JSON), or null for ''. */
function parseRecord(json: string): StoredRecord | null {
  if (!json) return null;
  const parsed = JSON.parse(json) as { f: Fields | unknown[]; e: string };
  // cjson encodes an empty table as an array.
  return {
    fields: Array.isArray(parsed.f) ? {} : parsed.f,
    expiresAt: parsed.e === '' ? null : Number(parsed.e),
  };
}

/** Fields as the commit script returns them (JSON, or '' for none). */
function parseFields(json: unknown): Fields | null {
  if (typeof json !== 'string' || json === '') return null;
  const parsed = JSON.parse(json) as Fields | unknown[];
  return Array.isArray(parsed) ? {} : parsed;
}
