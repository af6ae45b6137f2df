import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createTwoFactor, type TwoFactor } from '../../src/app/create-two-factor.js';
import { FactorkitError } from '../../src/core/errors.js';
import { TotpVerifier } from '../../src/core/otp/totp-verifier.js';
import { MemoryMailer } from '../../src/mail/memory-mailer.js';
import type { Store } from '../../src/store/store.js';
import { PostgresStore } from '../../src/stores/postgres/postgres-store.js';
import { RedisStore } from '../../src/stores/redis/redis-store.js';
import { testKey } from '../helpers/harness.js';
import {
  type PostgresServer,
  previousStepCode,
  type RedisServer,
  servicesRequired,
  startPostgres,
  startRedis,
} from '../helpers/servers.js';

const BOUND_MS = 6000;
const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

/** Every call fails closed: a STORE_UNAVAILABLE FactorkitError, within the bound, never a success. */
async function expectFailsClosed(call: () => Promise<unknown>): Promise<void> {
  const started = Date.now();
  const outcome = await call().then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  expect(Date.now() - started).toBeLessThan(BOUND_MS);
  expect('error' in outcome ? outcome.error : outcome.value).toBeInstanceOf(FactorkitError);
  expect((outcome as { error: FactorkitError }).error.code).toBe('STORE_UNAVAILABLE');
}

async function loginFlowSurvives(tf: TwoFactor, server: { stop(): Promise<void>; start(): Promise<void> }) {
  const totp = new TotpVerifier();
  const setup = await tf.totp.beginSetup('agent', { accountName: 'agent' });
  const confirmed = await tf.totp.confirmSetup('agent', await previousStepCode(setup.secret, totp));
  expect(confirmed.ok).toBe(true);
  const start = await tf.login.start('agent');
  if (start.status !== 'challenge') throw new Error(start.status);

  await server.stop();
  await expectFailsClosed(() =>
    tf.login.verify(start.challengeId, totp.generateCode(setup.secret, Date.now())),
  );
  await expectFailsClosed(() => tf.login.start('agent'));
  await expectFailsClosed(() => tf.status('agent'));
  await expectFailsClosed(() => tf.login.sendEmailCode(start.challengeId));
  await expectFailsClosed(() => tf.backupCodes.regenerate('agent'));

  await server.start();
  let result: Awaited<ReturnType<TwoFactor['login']['verify']>> | undefined;
  for (let i = 0; i < 40 && !result; i++) {
    result = await tf.login
      .verify(start.challengeId, totp.generateCode(setup.secret, Date.now()))
      .catch(async () => {
        await new Promise((resolve) => setTimeout(resolve, 250));
        return undefined;
      });
  }
  expect(result, JSON.stringify(result)).toMatchObject({ ok: true, method: 'totp' });
}

const make = (store: Store) =>
  createTwoFactor({ issuer: 'CloudFon CX', store, mailer: new MemoryMailer(), keys: testKey('d') });

describe('faults: the server stops in the middle of a login', () => {
  it('Redis (append-only file on): fails closed, then works again, nothing lost', async () => {
    const server: RedisServer | null = await startRedis({ persistent: true });
    if (!server) {
      expect(servicesRequired).toBe(false);
      return;
    }
    cleanups.push(() => server.stop());
    const client = new Redis({
      host: '127.0.0.1',
      port: server.port,
      maxRetriesPerRequest: 1,
      retryStrategy: () => 100,
    });
    client.on('error', () => undefined);
    cleanups.push(async () => client.disconnect());
    await loginFlowSurvives(make(new RedisStore({ client, commandTimeoutMs: 1500 })), server);
  }, 60_000);

  it('PostgreSQL: fails closed, then works again, nothing lost', async () => {
    const server: PostgresServer | null = await startPostgres();
    if (!server) {
      expect(servicesRequired).toBe(false);
      return;
    }
    cleanups.push(() => server.destroy());
    const pool = new pg.Pool({
      host: '127.0.0.1',
      port: server.port,
      user: 'postgres',
      database: 'postgres',
      connectionTimeoutMillis: 1000,
    });
    pool.on('error', () => undefined); // idle clients die with the server; the host must listen too
    cleanups.push(() => pool.end());
    const store = new PostgresStore({ pool, commandTimeoutMs: 3000 });
    await store.createSchema();
    await loginFlowSurvives(make(store), server);
  }, 60_000);
});
