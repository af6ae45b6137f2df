import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createTwoFactor, type TwoFactor } from '../../src/app/create-two-factor.js';
import type { VerifyResult } from '../../src/app/login/verify-outcomes.js';
import { TotpVerifier } from '../../src/core/otp/totp-verifier.js';
import { MemoryMailer } from '../../src/mail/memory-mailer.js';
import { storeKeys } from '../../src/store/keys.js';
import type { Store } from '../../src/store/store.js';
import { PostgresStore } from '../../src/stores/postgres/postgres-store.js';
import { RedisStore } from '../../src/stores/redis/redis-store.js';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import { testKey } from '../helpers/harness.js';
import { previousStepCode } from '../helpers/servers.js';

const run = promisify(execFile);
const KEY = testKey('c');
const redisPort = inject('redisPort');
const postgresPort = inject('postgresPort');
const closers: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  await Promise.all(closers.map((close) => close().catch(() => undefined)));
});

type Kind = 'redis' | 'postgres' | 'sqlite';

async function sharedStore(
  kind: Kind,
): Promise<{ store: Store; spec: { kind: Kind; port: number; name: string } }> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'factorkit-mp-'));
    const name = join(dir, 'shared.sqlite');
    const store = new SqliteStore({ filename: name });
    store.createSchema();
    closers.push(async () => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    });
    return { store, spec: { kind, port: 0, name } };
  }
  if (kind === 'redis') {
    const client = new Redis({ host: '127.0.0.1', port: redisPort ?? 0 });
    closers.push(() => client.quit());
    const name = `mp:${randomUUID()}:`;
    return { store: new RedisStore({ client, prefix: name }), spec: { kind, port: redisPort ?? 0, name } };
  }
  const pool = new pg.Pool({
    host: '127.0.0.1',
    port: postgresPort ?? 0,
    user: 'postgres',
    database: 'postgres',
  });
  closers.push(() => pool.end());
  const name = `mp_${randomUUID().replace(/-/g, '')}`;
  const store = new PostgresStore({ pool, table: name });
  await store.createSchema();
  return { store, spec: { kind, port: postgresPort ?? 0, name } };
}

/** Splits the calls across two worker processes that fire at the same instant; results in call order. */
async function fireFromTwoProcesses(
  spec: unknown,
  calls: Array<{ challengeId: string; code: string }>,
): Promise<VerifyResult[]> {
  const startAt = Date.now() + 2500;
  const halves = [calls.filter((_, i) => i % 2 === 0), calls.filter((_, i) => i % 2 === 1)];
  const outputs = await Promise.all(
    halves.map((half) =>
      run(
        process.execPath,
        [
          '--import',
          'tsx',
          new URL('./worker.ts', import.meta.url).pathname,
          JSON.stringify({ store: spec, key: KEY, startAt, calls: half }),
        ],
        {
          timeout: 60_000,
        },
      ),
    ),
  );
  const [even, odd] = outputs.map((output) => JSON.parse(output.stdout) as VerifyResult[]);
  return calls.map((_, i) => (i % 2 === 0 ? even![i / 2] : odd![(i - 1) / 2])!);
}

const totp = new TotpVerifier();

/** Enrolls `userId` in TOTP against the real clock. */
async function enroll(tf: TwoFactor, userId: string) {
  const setup = await tf.totp.beginSetup(userId, { accountName: userId });
  const result = await tf.totp.confirmSetup(userId, await previousStepCode(setup.secret, totp));
  if (!result.ok) throw new Error('enroll failed');
  return { secret: setup.secret, backupCodes: result.backupCodes! };
}

/** `n` open login challenges of `userId`. */
function challenges(tf: TwoFactor, userId: string, n: number): Promise<string[]> {
  return Promise.all(
    Array.from({ length: n }, async () => {
      const start = await tf.login.start(userId);
      if (start.status !== 'challenge') throw new Error(start.status);
      return start.challengeId;
    }),
  );
}

const skipped = { redis: redisPort === null, postgres: postgresPort === null, sqlite: false };

for (const kind of ['redis', 'postgres', 'sqlite'] as const) {
  describe.skipIf(skipped[kind])(`two app instances on one ${kind}`, () => {
    it('single use and attempt limits hold across processes', async () => {
      const { store, spec } = await sharedStore(kind);
      const tf = createTwoFactor({
        issuer: 'CloudFon CX',
        store,
        mailer: new MemoryMailer(),
        keys: KEY,
        authorize: () => true,
      });

      const backupUser = await enroll(tf, 'backup-user');
      const adminUser = 'admin-user';
      await enroll(tf, adminUser);
      const admin = await tf.admin.issueBackupCode({ id: 'boss' }, adminUser);
      const totpUser = await enroll(tf, 'totp-user');
      const oneChallengeUser = await enroll(tf, 'one-challenge-user');
      const wrongUser = 'wrong-user';
      await enroll(tf, wrongUser);

      const [backupIds, adminIds, totpIds, [single], [wrongId]] = await Promise.all([
        challenges(tf, 'backup-user', 50),
        challenges(tf, adminUser, 50),
        challenges(tf, 'totp-user', 50),
        challenges(tf, 'one-challenge-user', 1),
        challenges(tf, wrongUser, 1),
      ]);
      const at = Date.now() + 2500;
      const totpCode = totp.generateCode(totpUser.secret, at);
      const singleCode = totp.generateCode(oneChallengeUser.secret, at);
      const calls = [
        ...backupIds.map((challengeId) => ({ challengeId, code: backupUser.backupCodes[0]! })),
        ...adminIds.map((challengeId) => ({ challengeId, code: admin.code })),
        ...totpIds.map((challengeId) => ({ challengeId, code: totpCode })),
        ...Array.from({ length: 50 }, () => ({ challengeId: single!, code: singleCode })),
        ...Array.from({ length: 100 }, (_, i) => ({ challengeId: wrongId!, code: String(100_000 + i) })),
      ];
      const results = await fireFromTwoProcesses(spec, calls);
      const successes = (rs: VerifyResult[]) => rs.filter((r) => r.ok).length;
      const group = (from: number, n: number) => results.slice(from, from + n);
      expect(successes(group(0, 50))).toBe(1);
      expect(successes(group(50, 50))).toBe(1);
      expect(successes(group(100, 50))).toBe(1);
      expect(successes(group(150, 50))).toBe(1);
      const wrong = group(200, 100);
      expect(successes(wrong)).toBe(0);
      expect(wrong.filter((r) => !r.ok && r.reason === 'invalid-code')).toHaveLength(2);
      expect((await tf.status('backup-user')).backupCodesRemaining).toBe(9);
      // The challenge record itself says how many codes were evaluated: the first three, then the lock.
      const [nonce] = wrongId!.split('.').slice(-1);
      const record = await store.get(storeKeys.challenge(wrongUser, nonce!), Date.now());
      expect(record?.fields['attempts']).toBe('3');
    }, 120_000);

    it('failed attempts from two processes add up exactly', async () => {
      const { store, spec } = await sharedStore(kind);
      const tf = createTwoFactor({ issuer: 'CloudFon CX', store, mailer: new MemoryMailer(), keys: KEY });
      // No account lock within this test, and two failures per challenge (its lock comes at the third):
      // every failure is counted, none refused.
      await tf.policy.set({ attempts: { accountFreeFailures: 1_000_000 } });
      const user = await enroll(tf, 'counted-user');
      const ids = await challenges(tf, 'counted-user', 100);
      const at = Date.now() + 2500;
      const valid = new Set(
        [-2, -1, 0, 1, 2].map((step) => totp.generateCode(user.secret, at + step * 30_000)),
      );
      const wrong = Array.from({ length: 210 }, (_, i) => String(100_000 + i)).filter((c) => !valid.has(c));
      const calls = ids.flatMap((challengeId, i) => [
        { challengeId, code: wrong[2 * i]! },
        { challengeId, code: wrong[2 * i + 1]! },
      ]);
      const results = await fireFromTwoProcesses(spec, calls);
      expect(results.filter((r) => !r.ok && r.reason === 'invalid-code')).toHaveLength(200);
      const counter = await store.get(storeKeys.accountAttempts('counted-user'), Date.now());
      expect(counter?.fields['attempts']).toBe('200');
    }, 120_000);
  });
}
