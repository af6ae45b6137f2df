import { execFile, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as OTPAuth from 'otpauth';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { runCli } from '../cli/run-cli.js';
import { servicesRequired } from '../helpers/servers.js';
import { ENV, facadeOver, signsIn, tempFolder } from './cli-support.js';

/** What django-otp gave each user: the URI their app scanned, and what they used in the old app. */
interface Enrolled {
  pk: number;
  username: string;
  uri: string;
  lastT: number;
  acceptedCode?: string;
  tokens?: string[];
  usedToken?: string;
  unconfirmedUri?: string;
}

/**
 * A python3 that imports django_otp (Debian's python3-django-otp): the one on PATH, else Debian's own
 * (a PATH may put another Python first, e.g. pyenv's). Null with a loud notice, or a failure in CI.
 */
function pythonWithDjangoOtp(): string | null {
  for (const python of ['python3', '/usr/bin/python3']) {
    try {
      execFileSync(python, ['-c', 'import django_otp'], { stdio: 'pipe' });
      return python;
    } catch {
      // not this one
    }
  }
  const message =
    '[factorkit tests] python3 cannot import django_otp: the django-otp import from a real django-otp app is SKIPPED (apt-get install python3-django-otp)';
  if (servicesRequired) throw new Error(`FACTORKIT_REQUIRE_SERVICES=1 but ${message}`);
  console.warn(`\n${'!'.repeat(80)}\n${message}\n${'!'.repeat(80)}\n`);
  return null;
}

const python = pythonWithDjangoOtp();
const dir = tempFolder('django-otp-app');
const app = fileURLToPath(new URL('./fixtures/django-otp-app.py', import.meta.url));

/** The code an app shows for a django-otp `config_url` at `atMs`, computed by otpauth (not factorkit). */
const uriCode = (uri: string, atMs: number) => OTPAuth.URI.parse(uri).generate({ timestamp: atMs });

describe.skipIf(python === null)(
  'npx factorkit import --from django-otp: a real django-otp app (Debian python3-django-otp)',
  () => {
    it('users enrolled and signed in through django-otp sign in to factorkit; what they used there stays used', async () => {
      const { stdout } = await promisify(execFile)(python!, [app], {
        env: { ...process.env, APP_DIR: dir },
        timeout: 60_000,
      });
      const [alice, bob, carol] = JSON.parse(stdout) as Enrolled[];
      const store = join(dir, 'factorkit.db');
      const run = await runCli(
        ['import', '--from', 'django-otp', join(dir, 'dumpdata.json'), '--store', `sqlite:${store}`],
        { env: ENV },
      );
      expect(run.stderr).not.toContain('refused');
      expect(run.code).toBe(EXIT.ok);
      expect(run.stdout).toContain('imported: 3\n');
      for (const user of [alice!, bob!, carol!]) {
        expect(run.stdout + run.stderr).not.toContain(new URL(user.uri).searchParams.get('secret'));
      }
      expect(run.stdout + run.stderr).not.toContain(alice!.tokens![0]);

      // Users are django's primary keys. Alice's last code in django-otp (its step last_t) is the
      // replay floor: typed again in that same step, factorkit refuses it; the next step's code works.
      const lastStepMs = alice!.lastT * 30_000;
      const h = facadeOver(store, lastStepMs + 10_000);
      try {
        expect(uriCode(alice!.uri, h.clock.now())).toBe(alice!.acceptedCode);
        expect(await signsIn(h, `${alice!.pk}`, alice!.acceptedCode!)).toBe(false);
        h.clock.set(lastStepMs + 30_000 + 10_000);
        expect(await signsIn(h, `${alice!.pk}`, uriCode(alice!.uri, h.clock.now()))).toBe(true);
        // A static token: once, not twice; the one spent in django-otp is not there at all.
        expect(await signsIn(h, `${alice!.pk}`, alice!.tokens![1]!)).toBe(true);
        expect(await signsIn(h, `${alice!.pk}`, alice!.tokens![1]!)).toBe(false);
        expect(await signsIn(h, `${alice!.pk}`, alice!.usedToken!)).toBe(false);
        expect((await h.tf.status(`${alice!.pk}`)).backupCodesRemaining).toBe(alice!.tokens!.length - 1);

        // Bob's app: 8 digits every 60 s, as django-otp set it up.
        h.clock.set(Date.now());
        expect(await signsIn(h, `${bob!.pk}`, uriCode(bob!.uri, h.clock.now()))).toBe(true);
        // Carol's confirmed app signs in; the setup she never confirmed opens nothing.
        expect(await signsIn(h, `${carol!.pk}`, uriCode(carol!.unconfirmedUri!, h.clock.now()))).toBe(false);
        expect(await signsIn(h, `${carol!.pk}`, uriCode(carol!.uri, h.clock.now()))).toBe(true);
      } finally {
        h.close();
      }

      // With `dumpdata --natural-foreign` the users are their usernames.
      const natural = join(dir, 'natural.db');
      const byName = await runCli(
        [
          'import',
          '--from',
          'django-otp',
          join(dir, 'dumpdata-natural.json'),
          '--store',
          `sqlite:${natural}`,
        ],
        { env: ENV },
      );
      expect(byName.code).toBe(EXIT.ok);
      const n = facadeOver(natural);
      try {
        expect(await signsIn(n, 'bob', uriCode(bob!.uri, n.clock.now()))).toBe(true);
        expect(await signsIn(n, 'alice', alice!.tokens![0]!)).toBe(true);
      } finally {
        n.close();
      }
    }, 120_000);
  },
);
