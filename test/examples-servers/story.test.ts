import { afterEach, describe, expect, it } from 'vitest';
import { TestClient } from '../http/support/client.js';
import { phone, startExample, stopExample } from './start.js';

/**
 * examples/fastify and examples/hono as users run them (`tsx`, a free port), driven over HTTP by a
 * browser with a cookie jar through a whole 2FA story.
 */
afterEach(stopExample);

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
