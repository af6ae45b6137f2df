import { randomUUID } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import * as vitest from 'vitest';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { FactorkitError } from '../../src/core/errors.js';
import { storeKeys } from '../../src/store/keys.js';
import { RedisStore, type RedisStoreOptions } from '../../src/stores/redis/redis-store.js';
import { storeContract } from '../../src/testing/store-contract.js';
import { type RedisServer, startRedis } from '../helpers/servers.js';

const port = inject('redisPort');
const clients: Redis[] = [];
const client = () => {
  const c = new Redis({ port: port ?? 0, host: '127.0.0.1', lazyConnect: false, maxRetriesPerRequest: 1 });
  clients.push(c);
  return c;
};
afterAll(async () => {
  await Promise.all(clients.map((c) => c.quit().catch(() => undefined)));
});

storeContract('redis', async () => new RedisStore({ client: client(), prefix: `t:${randomUUID()}:` }), {
  vitest,
  skip: port === null,
});

describe.skipIf(port === null)('RedisStore specifics', () => {
  it('keeps one user’s keys in one cluster slot, prefixed, with native TTLs', async () => {
    const redis = client();
    const prefix = `p:${randomUUID()}:`;
    const store = new RedisStore({ client: redis, prefix });
    const now = Date.now();
    await store.commit(
      [{ type: 'put', key: '{dXNlcg}:user', fields: { a: '1' }, expiresAt: now + 60_000 }],
      now,
    );
    // Beside the record, the layout key: the store found the prefix empty and wrote it.
    const keys = await redis.keys(`${prefix}*`);
    expect(keys.sort()).toEqual([`${prefix}layout`, `${prefix}{dXNlcg}:user`]);
    // The native expiry runs a minute past the logical one (only a garbage collector).
    const ttl = await redis.pttl(`${prefix}{dXNlcg}:user`);
    expect(ttl).toBeGreaterThan(115_000);
    expect(ttl).toBeLessThanOrEqual(120_000);
  });

  it('refuses a prefix with braces', () => {
    expect(() => new RedisStore({ client: client(), prefix: 'a{b}' })).toThrow(/prefix/);
  });
});

describe.skipIf(port === null)('RedisStore refuses keys across cluster slots, on a single server too', () => {
  it('throws CROSS_SLOT for a commit or a read of two users, and writes nothing', async () => {
    const store = new RedisStore({ client: client(), prefix: `x:${randomUUID()}:` });
    const alice = storeKeys.user('alice');
    const bob = storeKeys.user('bob');
    const refusal = async (call: Promise<unknown>) => {
      const error = await call.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(FactorkitError);
      return error as FactorkitError;
    };
    const put = (key: string) => ({ type: 'put' as const, key, fields: { v: '1' }, expiresAt: null });
    const crossing = await refusal(store.commit([put(alice), put(bob)], Date.now()));
    expect(crossing.code).toBe('CROSS_SLOT');
    expect(crossing.message).toMatch(
      /^\[factorkit\] \[redis\] the keys of one commit must share a cluster slot/,
    );
    expect((await refusal(store.commit([put(alice)], Date.now(), [bob]))).code).toBe('CROSS_SLOT');
    expect((await refusal(store.getMany([alice, storeKeys.devices('bob')], Date.now()))).code).toBe(
      'CROSS_SLOT',
    );
    expect(await store.getMany([alice, storeKeys.devices('alice')], Date.now())).toEqual([null, null]);
  });
});

describe.skipIf(port === null)('RedisStore checks maxmemory-policy before its first command', () => {
  let server: RedisServer | null = null;
  const own: Redis[] = [];
  /** A client of this block's server; quiet while the server is down, closed before it stops. */
  const connect = (options: RedisOptions = {}) => {
    const c = new Redis({ host: '127.0.0.1', port: server?.port ?? 0, maxRetriesPerRequest: 1, ...options });
    c.on('error', () => undefined);
    own.push(c);
    return c;
  };
  let admin: Redis;
  beforeAll(async () => {
    server = await startRedis();
    admin = connect();
  });
  afterAll(async () => {
    for (const c of own) c.disconnect();
    await server?.stop();
  });
  const fresh = (options: Partial<RedisStoreOptions> = {}) =>
    new RedisStore({ client: connect(), ...options });
  const configGets = async () =>
    Number((await admin.info('commandstats')).match(/^cmdstat_config\|get:calls=(\d+)/m)?.[1] ?? 0);

  it('refuses an allkeys-* policy with CONFIG on the first call, and on every call after', async () => {
    await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
    const store = fresh();
    for (const call of [
      () => store.get('{u}:a', Date.now()),
      () => store.commit([], Date.now(), ['{u}:a']),
    ]) {
      const error = await call().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(FactorkitError);
      expect((error as FactorkitError).code).toBe('CONFIG');
      expect((error as FactorkitError).message).toMatch(
        /^\[factorkit\] \[redis\] maxmemory-policy is allkeys-lru on 127\.0\.0\.1:\d+/,
      );
    }
    const allowed = fresh({ allowEvictingPolicy: true });
    expect(await allowed.get('{u}:a', Date.now())).toBeNull();
  });

  it('accepts volatile-* and noeviction, reading the policy once for all calls', async () => {
    await admin.config('SET', 'maxmemory-policy', 'volatile-lru');
    const before = await configGets();
    const store = fresh();
    const now = Date.now();
    await Promise.all(Array.from({ length: 10 }, () => store.get('{u}:v', now)));
    for (let i = 0; i < 10; i++)
      await store.commit([{ type: 'put', key: '{u}:v', fields: { i: String(i) }, expiresAt: null }], now);
    expect((await store.get('{u}:v', now))?.fields).toEqual({ i: '9' });
    expect((await configGets()) - before).toBe(1);
    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    expect(await fresh().get('{u}:v', now)).not.toBeNull();
  });

  it('warns once and works when CONFIG GET is not permitted (managed Redis)', async () => {
    await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
    const username = `fk-${randomUUID()}`;
    await admin.acl('SETUSER', username, 'on', '>secret', '~*', '&*', '+@all', '-config');
    const warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const store = new RedisStore({ client: connect({ username, password: 'secret' }) });
      expect(await store.get('{u}:w', Date.now())).toBeNull();
      expect(await store.get('{u}:w', Date.now())).toBeNull();
      expect(warnings).toHaveBeenCalledTimes(1);
      expect(String(warnings.mock.calls[0]?.[0])).toMatch(
        /^\[factorkit\] \[redis\] CONFIG GET maxmemory-policy is not permitted on 127\.0\.0\.1:\d+/,
      );
    } finally {
      warnings.mockRestore();
      await admin.config('SET', 'maxmemory-policy', 'noeviction');
    }
  });

  it('fails closed when the server is down for the check, and checks again once it is back', async () => {
    if (!server) throw new Error('no server');
    const store = new RedisStore({ client: connect({ retryStrategy: () => 100 }), commandTimeoutMs: 1000 });
    await server.stop();
    try {
      const error = await store.get('{u}:d', Date.now()).then(
        () => null,
        (e: unknown) => e,
      );
      expect((error as FactorkitError).code).toBe('STORE_UNAVAILABLE');
    } finally {
      await server.start();
    }
    await admin.config('SET', 'maxmemory-policy', 'allkeys-random');
    let outcome: unknown = null;
    for (let i = 0; i < 40; i++) {
      outcome = await store.get('{u}:d', Date.now()).catch((e: unknown) => e);
      if ((outcome as FactorkitError | null)?.code !== 'STORE_UNAVAILABLE') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((outcome as FactorkitError).code).toBe('CONFIG');
  });
});
