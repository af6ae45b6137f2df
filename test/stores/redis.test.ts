import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { RedisStore } from '../../src/stores/redis.js';
import { contractSuite } from './contract.js';

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

contractSuite('redis', async () => new RedisStore({ client: client(), prefix: `t:${randomUUID()}:` }), {
  skip: port === null,
});

describe.skipIf(port === null)('RedisStore specifics', () => {
  it('keeps one user’s keys in one cluster slot, prefixed, with native TTLs', async () => {
    const redis = client();
    const prefix = `p:${randomUUID()}:`;
    const store = new RedisStore({ client: redis, prefix });
    const now = Date.now();
    await store.commit(
      [{ type: 'put', key: '{dXNlcg}:totp', fields: { a: '1' }, expiresAt: now + 60_000 }],
      now,
    );
    const keys = await redis.keys(`${prefix}*`);
    expect(keys).toEqual([`${prefix}{dXNlcg}:totp`]);
    const ttl = await redis.pttl(keys[0]!);
    expect(ttl).toBeGreaterThan(55_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('refuses a prefix with braces', () => {
    expect(() => new RedisStore({ client: client(), prefix: 'a{b}' })).toThrow(/prefix/);
  });
});
