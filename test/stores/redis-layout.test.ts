import { randomUUID } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { FactorkitError } from '../../src/core/errors.js';
import { storeKeys, userTag } from '../../src/store/keys.js';
import { layout1KeysOfTag } from '../../src/store/layout.js';
import { RedisStore } from '../../src/stores/redis/redis-store.js';

const T0 = 1_800_000_000_000;
const redisPort = inject('redisPort');
const clusterPorts = inject('redisClusterPorts');
const clients: Array<Redis | Cluster> = [];
afterAll(async () => {
  await Promise.all(clients.map((c) => c.quit().catch(() => undefined)));
});

let single: Redis | null = null;
let cluster: Cluster | null = null;
const deployments = [
  {
    name: 'Redis',
    skip: redisPort === null,
    client: (): Redis | Cluster => {
      if (!single) {
        single = new Redis({ host: '127.0.0.1', port: redisPort ?? 0, maxRetriesPerRequest: 1 });
        clients.push(single);
      }
      return single;
    },
  },
  {
    name: 'Redis Cluster',
    skip: clusterPorts === null,
    client: (): Redis | Cluster => {
      if (!cluster) {
        cluster = new Cluster(
          (clusterPorts ?? []).map((port) => ({ host: '127.0.0.1', port })),
          { redisOptions: { maxRetriesPerRequest: 1 } },
        );
        clients.push(cluster);
      }
      return cluster;
    },
  },
];

/** What factorkit 0.1 wrote for a user: hashes of `f:<field>` and `__exp`, with native TTLs. */
interface OldUser {
  id: string;
  email: boolean;
  /** The admin-issued code's expiry, or none. */
  adminUntil: number | null;
}

async function writeLayout1(client: Redis | Cluster, prefix: string, user: OldUser): Promise<void> {
  const [totp, totpStep, email, adminCode] = layout1KeysOfTag(userTag(user.id)).map(
    (key) => prefix + key,
  ) as [string, string, string, string];
  await client.hset(totp, '__exp', '', 'f:secret', `sealed:${user.id}`, 'f:enabledAt', String(T0 - 5000));
  await client.hset(totpStep, '__exp', '', 'f:step', '60000000');
  if (user.email)
    await client.hset(
      email,
      '__exp',
      '',
      'f:address',
      `${user.id}@example.com`,
      'f:enabledAt',
      String(T0 - 4000),
    );
  if (user.adminUntil !== null) {
    await client.hset(
      adminCode,
      '__exp',
      String(user.adminUntil),
      'f:code',
      `hash:${user.id}`,
      'f:kid',
      'k1',
    );
    await client.hset(
      adminCode,
      'f:actor',
      'root',
      'f:issuedAt',
      String(T0 - 3000),
      'f:deadline',
      String(user.adminUntil),
    );
    // 0.1 set the native TTL from the real clock; the test's clock is ahead of it, so keep it long.
    await client.pexpire(adminCode, 3_600_000);
  }
  // A record layout 2 keeps as it is.
  await client.hset(`${prefix}{${userTag(user.id)}}:backup-codes`, '__exp', '', 'f:c1', '1');
}

/** The `{tag}:user` fields layout 2 gives the user. */
function expectedUser(user: OldUser): Record<string, string> {
  return {
    totp: `sealed:${user.id}`,
    totpAt: String(T0 - 5000),
    totpStep: '60000000',
    ...(user.email ? { email: `${user.id}@example.com`, emailAt: String(T0 - 4000) } : {}),
    ...(user.adminUntil !== null && user.adminUntil > T0
      ? {
          adminCode: `hash:${user.id}`,
          adminKid: 'k1',
          adminBy: 'root',
          adminAt: String(T0 - 3000),
          adminUntil: String(user.adminUntil),
        }
      : {}),
  };
}

async function refusal(call: Promise<unknown>): Promise<FactorkitError> {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FactorkitError);
  return error as FactorkitError;
}

const users = (count: number, from = 0): OldUser[] =>
  Array.from({ length: count }, (_, i) => ({
    id: `user-${from + i}`,
    email: i % 2 === 0,
    adminUntil: i % 3 === 0 ? T0 + 60_000 : i % 3 === 1 ? T0 - 1 : null,
  }));

for (const deployment of deployments) {
  describe.skipIf(deployment.skip)(`RedisStore data layout on ${deployment.name}`, () => {
    it('starts a fresh prefix on the current layout', async () => {
      const client = deployment.client();
      const prefix = `l:${randomUUID()}:`;
      const store = new RedisStore({ client, prefix });
      expect(await store.get(storeKeys.user('ana'), T0)).toBeNull();
      expect(await client.get(`${prefix}layout`)).toBe('2');
      expect((await store.commit([{ type: 'delete', key: storeKeys.user('ana') }], T0)).ok).toBe(true);
    });

    it('refuses 0.1 data until migrate() moves every user, once', async () => {
      const client = deployment.client();
      const prefix = `l:${randomUUID()}:`;
      const old = users(30);
      for (const user of old) await writeLayout1(client, prefix, user);
      const store = new RedisStore({ client, prefix });

      for (const call of [
        () => store.get(storeKeys.user('user-0'), T0),
        () => store.commit([{ type: 'delete', key: storeKeys.user('user-0') }], T0),
      ]) {
        const refused = await refusal(call());
        expect(refused.code).toBe('CONFIG');
        expect(refused.message).toBe(
          `[factorkit] [redis] the data under prefix "${prefix}" has layout 1 (factorkit 0.1) and this factorkit needs layout 2: run \`await store.migrate()\``,
        );
      }
      expect(await client.get(`${prefix}layout`)).toBeNull();

      expect(await store.migrate({ now: T0 })).toEqual({ users: old.length });
      expect(await client.get(`${prefix}layout`)).toBe('2');
      for (const user of old) {
        expect(await store.get(storeKeys.user(user.id), T0)).toEqual({
          fields: expectedUser(user),
          expiresAt: null,
        });
        const leftovers = layout1KeysOfTag(userTag(user.id)).map((key) => client.exists(prefix + key));
        expect(await Promise.all(leftovers)).toEqual([0, 0, 0, 0]);
        expect((await store.get(storeKeys.backupCodes(user.id), T0))?.fields).toEqual({ c1: '1' });
      }

      expect(await store.migrate({ now: T0 })).toEqual({ users: 0 });
      expect(await store.get(storeKeys.user('user-0'), T0)).toEqual({
        fields: expectedUser(old[0]!),
        expiresAt: null,
      });
      expect(await new RedisStore({ client, prefix }).get(storeKeys.user('user-1'), T0)).toEqual({
        fields: expectedUser(old[1]!),
        expiresAt: null,
      });
    });

    it('resumes a migration that stopped half way, and a refusing store runs once another migrated', async () => {
      const client = deployment.client();
      const prefix = `l:${randomUUID()}:`;
      const first = users(6);
      for (const user of first) await writeLayout1(client, prefix, user);
      expect(await new RedisStore({ client, prefix }).migrate({ now: T0 })).toEqual({ users: 6 });
      // As if it had stopped before the last users and before recording the layout.
      const rest = users(5, 6);
      for (const user of rest) await writeLayout1(client, prefix, user);
      await client.del(`${prefix}layout`);

      const waiting = new RedisStore({ client, prefix });
      expect((await refusal(waiting.get(storeKeys.user('user-6'), T0))).code).toBe('CONFIG');
      expect(await new RedisStore({ client, prefix }).migrate({ now: T0 })).toEqual({ users: 5 });
      for (const user of [...first, ...rest])
        expect((await waiting.get(storeKeys.user(user.id), T0))?.fields).toEqual(expectedUser(user));
    });

    it('refuses data of a newer layout, and will not migrate it', async () => {
      const client = deployment.client();
      const prefix = `l:${randomUUID()}:`;
      await client.set(`${prefix}layout`, '3');
      const store = new RedisStore({ client, prefix });
      for (const call of [() => store.get(storeKeys.user('ana'), T0), () => store.migrate({ now: T0 })]) {
        const refused = await refusal(call());
        expect(refused.code).toBe('CONFIG');
        expect(refused.message).toBe(
          `[factorkit] [redis] the data under prefix "${prefix}" has layout 3 and this factorkit needs layout 2: this factorkit is older than the data: upgrade it`,
        );
      }
      expect(await client.get(`${prefix}layout`)).toBe('3');
    });
  });
}
