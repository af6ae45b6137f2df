import { randomUUID } from 'node:crypto';
import { Cluster } from 'ioredis';
import * as vitest from 'vitest';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { FactorkitError } from '../../src/core/errors.js';
import { storeKeys } from '../../src/store/keys.js';
import { clusterSlot } from '../../src/stores/redis/redis-slots.js';
import { RedisStore } from '../../src/stores/redis/redis-store.js';
import { storeContract } from '../../src/testing/store-contract.js';
import { type RedisCluster, startRedisCluster } from '../helpers/redis-cluster.js';
import { servicesRequired } from '../helpers/servers.js';

const ports = inject('redisClusterPorts');
const clusters: Cluster[] = [];
const privateClusters: RedisCluster[] = [];
afterAll(async () => {
  await Promise.all(clusters.map((c) => c.quit().catch(() => undefined)));
  await Promise.all(privateClusters.map((c) => c.stop()));
});

function connect(nodePorts: readonly number[]): Cluster {
  const cluster = new Cluster(
    nodePorts.map((port) => ({ host: '127.0.0.1', port })),
    { redisOptions: { maxRetriesPerRequest: 1 } },
  );
  clusters.push(cluster);
  return cluster;
}

let shared: Cluster | null = null;
const client = () => {
  shared ??= connect(ports ?? []);
  return shared;
};
const T0 = 1_800_000_000_000;

storeContract(
  'redis-cluster',
  async () => new RedisStore({ client: client(), prefix: `t:${randomUUID()}:` }),
  { vitest, skip: ports === null },
);

async function rejection(promise: Promise<unknown>): Promise<FactorkitError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FactorkitError);
  return error as FactorkitError;
}

describe.skipIf(ports === null)('RedisStore over a Redis Cluster', () => {
  it('computes the slot of a key exactly as the server does', async () => {
    const keys = [
      'policy',
      'factorkit:policy',
      storeKeys.user('alice'),
      `factorkit:${storeKeys.challenge('bob@example.com', 'n0nce')}`,
      'a{}b{c}',
      '{}x',
      'x{y',
      'x}{y}z',
      '{ü🙂}:k',
      'naïve-ü',
      ...Array.from({ length: 40 }, () => randomUUID()),
    ];
    const cluster = client();
    const server = await Promise.all(keys.map((key) => cluster.cluster('KEYSLOT', key)));
    expect(keys.map(clusterSlot)).toEqual(server);
  });

  it('spreads users over every master and runs each user’s multi-key scripts in their slot', async () => {
    const cluster = client();
    const prefix = `s:${randomUUID()}:`;
    const store = new RedisStore({ client: cluster, prefix });
    const users = Array.from({ length: 24 }, (_, i) => `user-${i}`);
    for (const user of users) {
      const done = await store.commit(
        [
          { type: 'put', key: storeKeys.user(user), fields: { s: user }, expiresAt: null },
          { type: 'insert', key: storeKeys.backupCodes(user), fields: { c: '1' }, expiresAt: null },
        ],
        T0,
        [storeKeys.devices(user)],
      );
      expect(done.ok).toBe(true);
      const records = await store.getMany([storeKeys.user(user), storeKeys.backupCodes(user)], T0);
      expect(records.map((r) => r?.fields)).toEqual([{ s: user }, { c: '1' }]);
    }
    const perMaster = await Promise.all(
      cluster.nodes('master').map(async (node) => (await node.keys(`${prefix}*`)).length),
    );
    expect(perMaster).toHaveLength(3);
    for (const count of perMaster) expect(count).toBeGreaterThan(0);
    // Each user's two records, and the layout key the store wrote on its first call.
    expect(perMaster.reduce((a, b) => a + b)).toBe(users.length * 2 + 1);
  });

  it('accepts keys whose different tags hash to one slot: slots are compared, not tags', async () => {
    const tag = 'a';
    let twin = '';
    for (let i = 0; !twin; i++) if (clusterSlot(`{t${i}}`) === clusterSlot(`{${tag}}`)) twin = `t${i}`;
    const store = new RedisStore({ client: client(), prefix: `w:${randomUUID()}:` });
    const done = await store.commit(
      [
        { type: 'put', key: `{${tag}}:x`, fields: { v: '1' }, expiresAt: null },
        { type: 'put', key: `{${twin}}:y`, fields: { v: '2' }, expiresAt: null },
      ],
      T0,
    );
    expect(done.ok).toBe(true);
    expect((await store.getMany([`{${tag}}:x`, `{${twin}}:y`], T0)).map((r) => r?.fields)).toEqual([
      { v: '1' },
      { v: '2' },
    ]);
  });

  it('refuses a commit or a read across slots with CROSS_SLOT, before sending it', async () => {
    // A fixed prefix keeps the slots below fixed (and distinct); nothing is ever written.
    const store = new RedisStore({ client: client(), prefix: 'cross:' });
    const crossing = store.commit(
      [
        { type: 'put', key: storeKeys.user('alice'), fields: { v: '1' }, expiresAt: null },
        { type: 'put', key: storeKeys.user('bob'), fields: { v: '2' }, expiresAt: null },
      ],
      T0,
    );
    const error = await rejection(crossing);
    expect(error.code).toBe('CROSS_SLOT');
    expect(error.message).toMatch(/^\[factorkit\] \[redis\] /);
    expect((await rejection(store.getMany([storeKeys.user('alice'), 'policy'], T0))).code).toBe('CROSS_SLOT');
    expect(
      (await rejection(store.commit([{ type: 'delete', key: 'policy' }], T0, [storeKeys.user('bob')]))).code,
    ).toBe('CROSS_SLOT');
    expect(await store.get(storeKeys.user('alice'), T0)).toBeNull();
  });
});

describe.skipIf(ports === null)('RedisStore eviction policy check on a cluster', () => {
  it('reads every master: one allkeys-* master refuses the store with CONFIG', async () => {
    const own = await startRedisCluster();
    if (!own) {
      expect(servicesRequired).toBe(false);
      return;
    }
    privateClusters.push(own);
    const setup = connect(own.nodes.map((node) => node.port));
    await setup.ping();
    const masters = setup.nodes('master');
    expect(masters).toHaveLength(3);
    const store = () => new RedisStore({ client: connect(own.nodes.map((node) => node.port)) });

    await masters[0]!.config('SET', 'maxmemory-policy', 'volatile-lru');
    expect(await store().get(storeKeys.user('alice'), T0)).toBeNull();

    await masters[2]!.config('SET', 'maxmemory-policy', 'allkeys-lfu');
    const refused = await rejection(store().get(storeKeys.user('alice'), T0));
    expect(refused.code).toBe('CONFIG');
    expect(refused.message).toMatch(
      /^\[factorkit\] \[redis\] maxmemory-policy is allkeys-lfu on 127\.0\.0\.1:\d+/,
    );
  }, 60_000);
});
