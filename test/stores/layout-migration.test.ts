import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createTwoFactor } from '../../src/app/create-two-factor.js';
import { TotpVerifier } from '../../src/core/otp/totp-verifier.js';
import { MemoryMailer } from '../../src/mail/memory-mailer.js';
import type { Store, StoredRecord } from '../../src/store/store.js';
import { PostgresStore } from '../../src/stores/postgres/postgres-store.js';
import { RedisStore } from '../../src/stores/redis/redis-store.js';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import { testKey } from '../helpers/harness.js';

/**
 * Records factorkit 0.1 wrote through its own facade (test/fixtures/layout1-store.json, made by
 * running 0.1 at commit c553041): ana enrolled an app, used one backup code and trusted a browser;
 * ben enrolled email and holds an admin-issued code.
 */
const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/layout1-store.json', import.meta.url), 'utf8'),
) as {
  clockMs: number;
  keys: string;
  ana: {
    userId: string;
    secret: string;
    lastStepMs: number;
    unusedBackupCodes: string[];
    usedBackupCode: string;
    deviceToken: string;
  };
  ben: { userId: string; address: string; adminCode: string };
  records: Record<string, StoredRecord>;
};

const postgresPort = inject('postgresPort');
const redisPort = inject('redisPort');
const dirs: string[] = [];
const closing: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  await Promise.all(closing.map((close) => close()));
});

/** A SQLite file holding the 0.1 records in a schema-version-1 table, as the first SQLite release wrote them. */
function sqliteWithLayout1(): string {
  const dir = mkdtempSync(join(tmpdir(), 'factorkit-migrate-'));
  dirs.push(dir);
  const filename = join(dir, 'old.sqlite');
  const db = new Database(filename);
  db.exec(`CREATE TABLE factorkit_records (key TEXT PRIMARY KEY NOT NULL, fields TEXT NOT NULL, expires_at INTEGER) WITHOUT ROWID;
    CREATE TABLE factorkit_records_meta (name TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
    INSERT INTO factorkit_records_meta VALUES ('schema_version', '1');`);
  const insert = db.prepare('INSERT INTO factorkit_records VALUES (?, ?, ?)');
  for (const [key, record] of Object.entries(fixture.records))
    insert.run(key, JSON.stringify(record.fields), record.expiresAt);
  db.close();
  return filename;
}

/** Enrolled users keep their app, address, backup codes, trusted browser and admin code after a migration. */
async function loginsStillWork(store: Store) {
  // One step after the last code 0.1 accepted: that code is still inside the window, so only the
  // replay floor (carried over) refuses it.
  let now = fixture.ana.lastStepMs + 30_000;
  const tf = createTwoFactor({
    issuer: 'Fixture',
    store,
    mailer: new MemoryMailer(),
    // 0.1 took a key like this one (a pattern, now refused as current): it still opens the data as an older key.
    keys: { current: testKey('migrated'), old: fixture.keys },
    now: () => now,
  });
  const totp = new TotpVerifier();
  const { ana, ben } = fixture;

  expect(await tf.status(ana.userId)).toEqual({
    enabled: true,
    totp: true,
    email: null,
    securityKeys: 0,
    backupCodesRemaining: 9,
  });
  expect(await tf.status(ben.userId)).toMatchObject({
    enabled: true,
    totp: false,
    email: 'b***@example.com',
  });
  expect((await tf.policy.get()).frequency).toEqual({ trustDays: 14 });
  expect(await tf.login.start(ana.userId, { deviceToken: ana.deviceToken })).toMatchObject({
    status: 'trusted-device',
  });

  const challenge = async (userId: string) => {
    const start = await tf.login.start(userId);
    if (start.status !== 'challenge') throw new Error(start.status);
    return start;
  };
  // The replay floor came along: the code of the step 0.1 last accepted is refused.
  expect(
    await tf.login.verify(
      (await challenge(ana.userId)).challengeId,
      totp.generateCode(ana.secret, ana.lastStepMs),
    ),
  ).toMatchObject({ ok: false });
  expect(
    await tf.login.verify((await challenge(ana.userId)).challengeId, totp.generateCode(ana.secret, now)),
  ).toMatchObject({ ok: true, method: 'totp' });
  expect(await tf.login.verify((await challenge(ana.userId)).challengeId, ana.usedBackupCode)).toMatchObject({
    ok: false,
  });
  expect(
    await tf.login.verify((await challenge(ana.userId)).challengeId, ana.unusedBackupCodes[0]!),
  ).toMatchObject({ ok: true, method: 'backup-code' });

  const benStart = await challenge(ben.userId);
  expect(benStart.methods).toEqual(['email', 'backup-code']);
  expect(await tf.login.verify(benStart.challengeId, ben.adminCode)).toMatchObject({
    ok: true,
    method: 'admin-code',
  });
  now += 60_000;
  expect(await tf.login.verify((await challenge(ben.userId)).challengeId, ben.adminCode)).toMatchObject({
    ok: false,
  });
}

describe('upgrading 0.1 data to layout 2', () => {
  it('SQLite: a version-1 table is refused until createSchema() migrates it; logins then work', async () => {
    const filename = sqliteWithLayout1();
    await expect(new SqliteStore({ filename }).get('policy', fixture.clockMs)).rejects.toMatchObject({
      code: 'CONFIG',
      message: expect.stringContaining('run store.createSchema() once to migrate it'),
    });
    const store = new SqliteStore({ filename });
    expect(store.createSchema()).toEqual({ migratedUsers: 2 });
    expect(store.createSchema()).toEqual({ migratedUsers: 0 });
    await loginsStillWork(store);
    store.close();
  });

  it.skipIf(postgresPort === null)(
    'PostgreSQL: a 0.1 table is refused until createSchema() migrates it; logins then work',
    async () => {
      const pool = new pg.Pool({ host: '127.0.0.1', port: postgresPort ?? 0, user: 'postgres', max: 2 });
      closing.push(() => pool.end());
      const table = `fixture_${process.pid}_${Date.now()}`;
      const schema01 = readFileSync(new URL('./postgres-0.1-schema.sql', import.meta.url), 'utf8');
      await pool.query(schema01.replaceAll('__TABLE__', table));
      for (const [key, record] of Object.entries(fixture.records))
        await pool.query(`INSERT INTO "${table}" (key, fields, expires_at) VALUES ($1, $2, $3)`, [
          key,
          JSON.stringify(record.fields),
          record.expiresAt,
        ]);
      await expect(new PostgresStore({ pool, table }).get('policy', fixture.clockMs)).rejects.toMatchObject({
        code: 'CONFIG',
      });
      const store = new PostgresStore({ pool, table });
      expect(await store.createSchema(fixture.clockMs)).toEqual({ migratedUsers: 2 });
      expect(await store.createSchema(fixture.clockMs)).toEqual({ migratedUsers: 0 });
      await loginsStillWork(store);
    },
  );

  it.skipIf(redisPort === null)(
    'Redis: 0.1 hashes are refused until migrate() moves them; logins then work',
    async () => {
      const client = new Redis({ host: '127.0.0.1', port: redisPort ?? 0, maxRetriesPerRequest: 1 });
      closing.push(() => client.quit());
      const prefix = `fixture:${process.pid}:${Date.now()}:`;
      // 0.1's hash per record: `f:<field>` per field, `__exp` its expiry (empty: none), and a native expiry.
      for (const [key, record] of Object.entries(fixture.records)) {
        const fields = Object.entries(record.fields).flatMap(([name, value]) => [`f:${name}`, value]);
        await client.hset(
          prefix + key,
          '__exp',
          record.expiresAt === null ? '' : String(record.expiresAt),
          ...fields,
        );
        if (record.expiresAt !== null) await client.pexpireat(prefix + key, record.expiresAt);
      }
      await expect(new RedisStore({ client, prefix }).get('policy', fixture.clockMs)).rejects.toMatchObject({
        code: 'CONFIG',
      });
      const store = new RedisStore({ client, prefix });
      expect(await store.migrate({ now: fixture.clockMs })).toEqual({ users: 2 });
      expect(await store.migrate({ now: fixture.clockMs })).toEqual({ users: 0 });
      await loginsStillWork(store);
    },
  );
});
