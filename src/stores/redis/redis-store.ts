import type { Cluster, Redis } from 'ioredis';
import { FactorkitError } from '../../core/errors.js';
import { assertDistinctKeys } from '../../store/apply-ops.js';
import type { CommitResult, Fields, OpFailure, Store, StoredRecord, StoreOp } from '../../store/store.js';
import { boundedCall } from '../bounded-call.js';
import { COMMIT_LUA, GET_MANY_LUA } from './redis-scripts.js';

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

const SLOTS = 16_384;

/** CRC16-CCITT (XMODEM) by byte, the hash Redis Cluster maps keys to slots with. */
const CRC16_TABLE = Uint16Array.from({ length: 256 }, (_, byte) => {
  let crc = byte << 8;
  for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1;
  return crc & 0xffff;
});

/** What Redis hashes: the text between the first `{` and the next `}` when not empty, else the key. */
function hashTag(key: string): string {
  const open = key.indexOf('{');
  if (open === -1) return key;
  const close = key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

function slotOfTag(tag: string): number {
  let crc = 0;
  for (const byte of Buffer.from(tag, 'utf8')) crc = ((crc << 8) & 0xffff) ^ CRC16_TABLE[(crc >> 8) ^ byte]!;
  return crc % SLOTS;
}

/** The Redis Cluster slot of `key`, as the server computes it (`CLUSTER KEYSLOT`). Internal. */
export function clusterSlot(key: string): number {
  return slotOfTag(hashTag(key));
}

/**
 * Refuses keys of one script that span cluster slots, on every deployment: a cluster would refuse
 * the script (CROSSSLOT) while a standalone server runs it, so a caller that mixes users would pass
 * its tests on one Redis and fail in production. Keys that share a tag are not hashed.
 */
function assertOneSlot(keys: readonly string[], what: string): void {
  const tag = hashTag(keys[0] ?? '');
  let slot: number | undefined;
  for (let i = 1; i < keys.length; i++) {
    const other = hashTag(keys[i]!);
    if (other === tag) continue;
    slot ??= slotOfTag(tag);
    const otherSlot = slotOfTag(other);
    if (otherSlot !== slot)
      throw new FactorkitError(
        'CROSS_SLOT',
        `[redis] the keys of one ${what} must share a cluster slot: key 0 is in slot ${slot}, key ${i} in slot ${otherSlot} (give them one {hash tag})`,
      );
  }
}

/** A node's address, for messages. */
function nodeName(node: Redis): string {
  return `${node.options.host ?? 'localhost'}:${node.options.port ?? 6379}`;
}

/** The ioredis errors that carry a server's answer (as opposed to a lost connection or a timeout). */
function isReplyError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError';
}

/**
 * Reads `maxmemory-policy` on `client`, or on every master of a cluster. A node that refuses
 * `CONFIG GET` (managed services rename or forbid it) gives its answer as `refusal` instead.
 */
async function evictionPolicies(
  client: Redis | Cluster,
): Promise<Array<{ node: string; policy: string } | { node: string; refusal: string }>> {
  let nodes: Redis[];
  if (client.isCluster) {
    const cluster = client as Cluster;
    // The masters are known once the cluster is ready; a first command waits for that.
    await cluster.ping();
    nodes = cluster.nodes('master');
  } else nodes = [client as Redis];
  return Promise.all(
    nodes.map(async (node) => {
      try {
        const [, policy] = (await node.config('GET', 'maxmemory-policy')) as string[];
        if (policy !== undefined) return { node: nodeName(node), policy };
        return { node: nodeName(node), refusal: 'no such setting' };
      } catch (error) {
        if (isReplyError(error)) return { node: nodeName(node), refusal: (error as Error).message };
        throw error;
      }
    }),
  );
}

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
    return boundedCall('redis', what, this.timeoutMs, run);
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
        for (const read of policies) {
          if ('policy' in read && read.policy.startsWith('allkeys-') && !this.allowEvictingPolicy)
            throw new FactorkitError(
              'CONFIG',
              `[redis] maxmemory-policy is ${read.policy} on ${read.node}: Redis may evict any key, and an evicted TOTP or email record un-enrols its user; set noeviction (or pass allowEvictingPolicy: true)`,
              { field: 'allowEvictingPolicy' },
            );
        }
        const refused = policies.flatMap((read) =>
          'refusal' in read ? `${read.node} (${read.refusal})` : [],
        );
        if (refused.length > 0)
          process.emitWarning(
            `[factorkit] [redis] CONFIG GET maxmemory-policy is not permitted on ${refused.join(', ')}: make sure the policy is noeviction, since an allkeys-* policy evicts enrolments`,
          );
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
