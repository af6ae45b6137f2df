import { copyFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as OTPAuth from 'otpauth';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { runCli } from '../cli/run-cli.js';
import { ENV, facadeOver, tempFolder } from './cli-support.js';
import { installFromRegistry, runNode } from './registry-install.js';

/** What the better-auth app showed each user it enrolled. */
interface Enrolled {
  userId: string;
  email: string;
  totpURI: string;
  backupCodes: string[];
}

/** A user who turned 2FA on in better-auth by email codes only (no `twoFactor` row). */
type EmailCodesUser = Omit<Enrolled, 'totpURI'> & { totpURI: null };

const dir = tempFolder('better-auth');
const APP_SECRET = 'better-auth-secret-for-the-import-test-3f9a1c7e5b2d4a6f';
let app: string | null = null;

beforeAll(async () => {
  app = await installFromRegistry('better-auth', ['better-auth@1']);
  if (app)
    copyFileSync(
      new URL('./fixtures/better-auth-app.mjs', import.meta.url),
      join(app, 'better-auth-app.mjs'),
    );
}, 300_000);

/** Runs the better-auth app on `database`: users signed up and enrolled through its own API. */
async function enrolThroughBetterAuth(database: string, users: number): Promise<Enrolled[]> {
  return (await enrolWithEmailCodes(database, users, 0)).enrolled;
}

/** The same, and `otpUsers` more who turn 2FA on by email codes only (`enableTwoFactor({ method: 'otp' })`). */
async function enrolWithEmailCodes(database: string, users: number, otpUsers: number) {
  const out = await runNode(app!, 'better-auth-app.mjs', {
    FACTORKIT_ROOT: resolve('.'),
    APP_DATABASE: database,
    APP_SECRET,
    APP_USERS: String(users),
    APP_OTP_USERS: String(otpUsers),
  });
  const all = JSON.parse(out) as Array<Enrolled | EmailCodesUser>;
  return {
    enrolled: all.filter((user): user is Enrolled => user.totpURI !== null),
    byEmail: all.filter((user): user is EmailCodesUser => user.totpURI === null),
  };
}

/** Each user who had email codes has 2FA by email in factorkit, at their better-auth address. */
async function expectEmailMethod(storeFile: string, users: EmailCodesUser[]) {
  const h = facadeOver(storeFile);
  try {
    for (const user of users) {
      const start = await h.tf.login.start(user.userId);
      expect(start.status).toBe('challenge');
      expect(start.status === 'challenge' && start.methods).toEqual(['email']);
    }
  } finally {
    await h.close();
  }
}

/** Each user signs in to factorkit with an app code (otpauth, from the URI better-auth showed) and an old backup code, once. */
async function expectSignIns(storeFile: string, enrolled: Enrolled[]) {
  const h = facadeOver(storeFile);
  try {
    for (const user of enrolled) {
      const code = OTPAuth.URI.parse(user.totpURI).generate({ timestamp: h.clock.now() });
      const start = await h.tf.login.start(user.userId);
      if (start.status !== 'challenge') throw new Error(`no challenge for ${user.email}`);
      expect(start.methods).toEqual(['totp', 'backup-code']);
      expect((await h.tf.login.verify(start.challengeId, code)).ok).toBe(true);
      const backup = user.backupCodes[7]!;
      for (const expected of [true, false]) {
        const next = await h.tf.login.start(user.userId);
        if (next.status !== 'challenge') throw new Error('no challenge');
        expect((await h.tf.login.verify(next.challengeId, backup)).ok).toBe(expected);
      }
      expect((await h.tf.status(user.userId)).backupCodesRemaining).toBe(9);
    }
  } finally {
    h.close();
  }
}

describe('npx factorkit import --from better-auth: a real better-auth app (from the npm registry)', () => {
  it('on SQLite: users enrolled through better-auth sign in to factorkit with their app and an old backup code', async (t) => {
    if (!app) return t.skip();
    const appDb = join(dir, 'app.db');
    const enrolled = await enrolThroughBetterAuth(appDb, 3);
    const store = join(dir, 'from-sqlite.db');
    const env = { ...ENV, BETTER_AUTH_SECRET: APP_SECRET };
    const args = [
      'import',
      '--from',
      'better-auth',
      '--database-url',
      `sqlite:${appDb}`,
      '--store',
      `sqlite:${store}`,
    ];
    const run = await runCli(args, { env });
    expect(run.stderr).not.toContain('refused');
    expect(run.code).toBe(EXIT.ok);
    expect(run.stdout).toContain('imported: 3\n');
    for (const user of enrolled) {
      expect(run.stdout + run.stderr).not.toContain(new URL(user.totpURI).searchParams.get('secret'));
      expect(run.stdout + run.stderr).not.toContain(user.backupCodes[0]);
    }
    await expectSignIns(store, enrolled);

    // The wrong secret opens nothing: the run stops as misconfigured at the third user, saying which
    // secret to set (it refused every user one by one, exit 1), and writes nobody.
    const fresh = join(dir, 'wrong-secret.db');
    const wrongArgs = [...args.slice(0, -1), `sqlite:${fresh}`];
    const wrong = await runCli(wrongArgs, { env: { ...env, BETTER_AUTH_SECRET: 'not-the-app-secret' } });
    expect(wrong.code).toBe(EXIT.config);
    expect(wrong.stderr).toContain('do not open with the secrets given');
    expect(wrong.stderr).toContain('BETTER_AUTH_SECRET');
    expect(wrong.stdout + wrong.stderr).not.toMatch(/imported: [1-9]/);
    const malformed = await runCli(wrongArgs, { env: { ...ENV, BETTER_AUTH_SECRETS: 'no-version' } });
    expect(malformed.code).toBe(EXIT.config);
    expect(malformed.stderr).toContain('BETTER_AUTH_SECRETS: must be <version>:<secret>');
  }, 120_000);

  const postgresPort = inject('postgresPort');
  describe.skipIf(postgresPort === null)('on the test PostgreSQL', () => {
    const database = `better_auth_${Date.now()}`;
    const admin = new pg.Pool({
      host: '127.0.0.1',
      port: postgresPort ?? 0,
      user: 'postgres',
      database: 'postgres',
    });
    afterAll(async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
      await admin.end();
    });

    it('the same from better-auth on PostgreSQL', async (t) => {
      if (!app) return t.skip();
      await admin.query(`CREATE DATABASE ${database}`);
      const url = `postgres://postgres@127.0.0.1:${postgresPort}/${database}`;
      const { enrolled, byEmail } = await enrolWithEmailCodes(url, 2, 1);
      const store = join(dir, 'from-postgres.db');
      const args = ['import', '--from', 'better-auth', '--database-url', url, '--store', `sqlite:${store}`];
      const env = { ...ENV, BETTER_AUTH_SECRET: APP_SECRET };
      // Fails before: the user with email codes only was not even read (no twoFactor row), so they
      // left better-auth's 2FA for a factorkit account with none, and the report said nothing.
      const without = await runCli(args, { env });
      expect(without.stdout).toContain('imported: 2\n');
      expect(without.stdout).toContain(
        `user ${byEmail[0]!.userId}: refused: has 2FA on in better-auth with codes by email only: pass --email-otp`,
      );
      expect(without.code).toBe(EXIT.failed);
      await expectSignIns(store, enrolled);
      const run = await runCli([...args, '--email-otp'], { env });
      expect(run.stderr).not.toContain('refused');
      expect(run.code).toBe(EXIT.ok);
      await expectEmailMethod(store, byEmail);
    }, 120_000);
  });
});
