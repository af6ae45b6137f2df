import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as OTPAuth from 'otpauth';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { exportUser } from '../../src/import/export-user.js';
import { runCli } from '../cli/run-cli.js';
import { ENV, facadeOver, signsIn, tempFolder } from './cli-support.js';

const dir = tempFolder('import-sources');
const fixture = fileURLToPath(new URL('./fixtures/django-otp-dumpdata.json', import.meta.url));

describe('npx factorkit import --from django-otp (a dumpdata export)', () => {
  it('imports confirmed TOTP devices with their replay floor and static tokens; a user with tokens only is refused', async () => {
    const store = join(dir, 'django.db');
    const run = await runCli(['import', '--from', 'django-otp', fixture, '--store', `sqlite:${store}`], {
      env: ENV,
    });
    expect(run.stdout).toContain('imported: 2\n');
    expect(run.stdout).toContain('refused: 1\n');
    expect(run.stderr).toContain('user 3: refused: user: needs a factor');
    expect(run.code).toBe(EXIT.failed);
    expect(run.stdout + run.stderr).not.toMatch(/3132333435|mfw6n7ag/);

    const h = facadeOver(store);
    const code = (hex: string, digits: number) =>
      new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromHex(hex), digits }).generate({
        timestamp: h.clock.now(),
      });
    expect(await signsIn(h, '1', code('3132333435363738393031323334353637383930', 6))).toBe(true);
    expect(await signsIn(h, '2', code('a1b2c3d4e5f60718293a4b5c6d7e8f9012345678', 8))).toBe(true);
    expect(await signsIn(h, '1', 'Q2ZR4XK5')).toBe(true);
    expect(await signsIn(h, '1', 'q2zr4xk5')).toBe(false);
    expect(await exportUser(h.tf, '1')).toMatchObject({ totp: { lastUsedStep: expect.any(Number) } });
    expect(await exportUser(h.tf, '2')).toMatchObject({ totp: { digits: 8, algorithm: 'SHA1' } });
    await h.close();
  });
});

describe('npx factorkit import --from otp-csv | otp-jsonl (otplib, speakeasy, otpauth apps)', () => {
  it('reads userId,secret[,algorithm,digits,period] with a header, and otpauth URIs', async () => {
    const csv = join(dir, 'otplib.csv');
    writeFileSync(
      csv,
      [
        'userId,secret,algorithm,digits,period',
        'amy,JBSWY3DPEHPK3PXP,,,',
        'bo,"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",sha256,8,60',
        '"cat, the second","otpauth://totp/Old:cat?secret=MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U&digits=7&period=45"',
        'dan,not-base32,,,',
      ].join('\n'),
    );
    const store = join(dir, 'otp.db');
    const run = await runCli(['import', '--from', 'otp-csv', csv, '--store', `sqlite:${store}`], {
      env: ENV,
    });
    expect(run.stdout).toContain('imported: 3\n');
    expect(run.stderr).toContain('line 5 (user dan): refused: totp.secret: is not base32');
    const h = facadeOver(store);
    const code = (secret: string, o: { algorithm?: string; digits?: number; period?: number } = {}) =>
      new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), ...o }).generate({
        timestamp: h.clock.now(),
      });
    expect(await signsIn(h, 'amy', code('JBSWY3DPEHPK3PXP'))).toBe(true);
    expect(
      await signsIn(
        h,
        'bo',
        code('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', { algorithm: 'SHA256', digits: 8, period: 60 }),
      ),
    ).toBe(true);
    expect(
      await signsIn(
        h,
        'cat, the second',
        code('MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U', { digits: 7, period: 45 }),
      ),
    ).toBe(true);
    await h.close();

    const jsonl = join(dir, 'speakeasy.jsonl');
    writeFileSync(jsonl, `${JSON.stringify({ userId: 42, secret: 'JBSWY3DPEHPK3PXP' })}\n`);
    const lines = await runCli(['import', '--from', 'otp-jsonl', jsonl, '--store', `sqlite:${store}`], {
      env: ENV,
    });
    expect(lines.code).toBe(EXIT.ok);
    expect(lines.stdout).toContain('imported: 1\n');
  });

  // Fails before: the reader's refusal escaped the run as a failure of the work (exit 1).
  it('a CSV without its header is the source at fault: exit 3, saying which columns it needs', async () => {
    const csv = join(dir, 'no-header.csv');
    writeFileSync(csv, 'amy,JBSWY3DPEHPK3PXP\n');
    const store = join(dir, 'no-header.db');
    const run = await runCli(['import', '--from', 'otp-csv', csv, '--store', `sqlite:${store}`], {
      env: ENV,
    });
    expect(run.code).toBe(EXIT.config);
    expect(run.stderr).toContain('a CSV file needs a header naming the columns userId and secret');
  });
});

describe('npx factorkit import --from better-auth: the --database-url forms', () => {
  it('file:./app.db (as better-auth configs write it) opens the SQLite file, as sqlite: does', async () => {
    const { default: Database } = await import('better-sqlite3');
    const appDb = join(dir, 'better-auth-empty.db');
    const db = new Database(appDb);
    db.exec('CREATE TABLE "twoFactor" ("id" TEXT, "userId" TEXT, "secret" TEXT, "backupCodes" TEXT)');
    db.close();
    const env = { ...ENV, BETTER_AUTH_SECRET: 'better-auth-secret-for-the-url-test-5d1e' };
    for (const url of [`file:${appDb}`, `file://${appDb}`, `sqlite:${appDb}`]) {
      const run = await runCli(
        [
          'import',
          '--from',
          'better-auth',
          '--database-url',
          url,
          '--store',
          `sqlite:${join(dir, 'url.db')}`,
        ],
        { env },
      );
      expect(run.stderr, url).not.toContain('no SQLite database');
      expect(run.code, url).toBe(EXIT.ok);
    }
    // Fails before: `abc` became NaN and every user was refused (exit 1).
    for (const [flag, value] of [
      ['--source-digits', 'abc'],
      ['--source-digits', '9'],
      ['--source-period', '0'],
    ] as const) {
      const args = ['import', '--from', 'better-auth', '--database-url', `sqlite:${appDb}`];
      const run = await runCli([...args, '--store', `sqlite:${join(dir, 'url.db')}`, flag, value], { env });
      expect(run.code, `${flag} ${value}`).toBe(EXIT.usage);
      expect(run.stderr).toContain(`${flag} must be a whole number`);
    }
  });
});
