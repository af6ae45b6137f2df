import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { TotpVerifier } from '../../src/core/otp/totp-verifier.js';
import { TestClient } from '../http/support/client.js';

/**
 * examples/fastify and examples/hono as users run them (`tsx`, a free port), driven over HTTP by a
 * browser with a cookie jar through a whole 2FA story.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const STARTUP_MS = 30_000;
const STEP_MS = 30_000;

let child: ChildProcess | null = null;
afterEach(async () => {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child?.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  child = null;
});

/** Starts an example on port 0 and resolves with the URL it prints. */
function startExample(file: string): Promise<string> {
  const started = spawn(process.execPath, ['--import', 'tsx', file], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = started;
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${file}: no URL in ${STARTUP_MS} ms\n${output}`)),
      STARTUP_MS,
    );
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const url = output.match(/example: (http:\/\/[\d.]+:\d+)/)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve(url);
      }
    };
    started.stdout?.on('data', read);
    started.stderr?.on('data', read);
    started.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${file} exited (${code})\n${output}`));
    });
  });
}

/**
 * The phone: the authenticator app's next code. Each code is for a later time step than the last
 * (a step is used once), starting one step back: the server accepts one step either side.
 */
function phone(secret: string) {
  const totp = new TotpVerifier();
  let lastStep = -1;
  return () => {
    lastStep = Math.max(lastStep + 1, Math.floor(Date.now() / STEP_MS) - 1);
    return totp.generateCode(secret, lastStep * STEP_MS);
  };
}

const ANA = { email: 'ana@example.com', password: 'ana-demo-1' };

for (const name of ['fastify', 'hono']) {
  describe(`examples/${name}/server.ts`, () => {
    it('sign in, set up an app, sign in with a code, trust the browser, step up, turn 2FA off', async () => {
      const browser = new TestClient(await startExample(`examples/${name}/server.ts`));
      expect((await browser.call('POST', '/login', { ...ANA, password: 'wrong' })).status).toBe(401);
      // No 2FA yet: the password signs in; the first app needs no step-up.
      expect((await browser.call('POST', '/login', ANA)).json['status']).toBe('not-required');
      expect((await browser.call('GET', '/me')).json).toEqual({ id: 'u-ana', email: ANA.email });
      const setup = await browser.call('POST', '/2fa/totp/setup', {});
      expect(setup.status).toBe(200);
      const code = phone(String(setup.json['secret']));
      const confirmed = await browser.call('POST', '/2fa/totp/confirm', { code: code() });
      expect(confirmed.status).toBe(200);
      expect(confirmed.json['backupCodes']).toHaveLength(10);
      expect((await browser.call('POST', '/logout', {})).status).toBe(200);
      expect((await browser.call('GET', '/me')).status).toBe(401);

      // Now the password asks for a code: the code page, then verify (and trust this browser).
      expect((await browser.call('POST', '/login', ANA)).json['status']).toBe('challenge');
      expect((await browser.call('GET', '/me')).json['error']).toBe('second-factor-required');
      expect((await browser.call('GET', '/2fa/login')).json).toMatchObject({ pending: true, trustDays: 14 });
      const verified = await browser.call('POST', '/2fa/login/verify', {
        code: code(),
        rememberDevice: true,
      });
      expect(verified.status).toBe(200);
      expect(browser.cookies.get('factorkit_device')).toBeTruthy();
      expect((await browser.call('GET', '/me')).status).toBe(200);

      // A trusted browser skips the code, but a skip is not a fresh factor: turning 2FA off asks for one.
      await browser.call('POST', '/logout', {});
      expect((await browser.call('POST', '/login', ANA)).json['status']).toBe('trusted-device');
      expect((await browser.call('GET', '/me')).status).toBe(200);
      expect(await browser.call('POST', '/2fa/disable', { method: 'totp' })).toMatchObject({
        status: 403,
        json: { error: 'step-up-required' },
      });
      expect((await browser.call('POST', '/2fa/step-up/start', {})).json['methods']).toContain('totp');
      expect((await browser.call('POST', '/2fa/step-up/verify', { code: code() })).status).toBe(200);
      expect((await browser.call('POST', '/2fa/disable', { method: 'totp' })).status).toBe(200);
      expect((await browser.call('GET', '/2fa/status')).json['enabled']).toBe(false);
    }, 60_000);
  });
}
