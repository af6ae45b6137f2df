import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clientSource } from '../../scripts/client-source.js';
import { TwoFactorClientError } from '../../src/client/answer.js';
import { createTwoFactorClient } from '../../src/client/create-client.js';
import { endpointName } from '../../src/client/endpoint-name.js';
import type { TwoFactorClient } from '../../src/client/endpoints.js';
import {
  addSecurityKey,
  signInWithSecurityKey,
  stepUpWithSecurityKey,
} from '../../src/client/security-key.js';
import { openApiDocument } from '../../src/http/openapi.js';
import { routes } from '../../src/http/routes/index.js';
import type {
  WebauthnCreationOptions,
  WebauthnRequestOptions,
} from '../../src/methods/webauthn/webauthn-json.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { type Harness, makeTwoFactor } from '../helpers/harness.js';
import { SoftAuthenticator } from '../helpers/soft-authenticator.js';
import { TestClient } from '../http/support/client.js';
import { hostApps } from '../http/support/host-list.js';
import type { TestHost } from '../http/support/hosts.js';

const SITE = { rpId: '127.0.0.1.nip.invalid', rpName: 'CloudFon CX', origin: 'https://cx.example.com' };

describe('the client is the route table', () => {
  it('src/client/endpoints.ts is what `npm run openapi` writes from the route table', () => {
    const document = JSON.parse(JSON.stringify(openApiDocument(routes, { prefix: '/2fa' })));
    const committed = readFileSync(new URL('../../src/client/endpoints.ts', import.meta.url), 'utf8');
    expect(committed).toBe(clientSource(document, '/2fa'));
  });

  it('has a call for every route, at the name its method and path give', () => {
    const client = createTwoFactorClient({ baseUrl: 'http://localhost/2fa' }) as unknown as Record<
      string,
      unknown
    >;
    for (const route of routes) {
      const call = endpointName(route.method, route.path).reduce<unknown>(
        (node, part) => (node as Record<string, unknown> | undefined)?.[part],
        client,
      );
      expect(typeof call, `${route.method} ${route.path}`).toBe('function');
    }
    expect(endpointName('POST', '/login/verify')).toEqual(['login', 'verify']);
    expect(endpointName('DELETE', '/webauthn/keys/:keyId')).toEqual(['webauthn', 'keys', 'remove']);
  });

  it('a route added to the table without regenerating fails the check', () => {
    const extra = { ...routes[0]!, path: '/phone/setup', method: 'POST' as const };
    const document = JSON.parse(JSON.stringify(openApiDocument([...routes, extra], { prefix: '/2fa' })));
    const committed = readFileSync(new URL('../../src/client/endpoints.ts', import.meta.url), 'utf8');
    expect(clientSource(document, '/2fa')).not.toBe(committed);
    expect(clientSource(document, '/2fa')).toContain("'POST /phone/setup 200 ");
  });
});

for (const app of hostApps) {
  describe(`the client in Node against ${app.name}`, () => {
    let h: Harness;
    let host: TestHost;
    const browser = () => {
      const jar = new TestClient(host.base);
      return { jar, client: createTwoFactorClient({ baseUrl: `${host.base}/2fa`, fetch: jar.fetch }) };
    };
    beforeEach(async () => {
      h = makeTwoFactor(new MemoryStore());
      host = await app.start(h, { webauthn: { ...SITE, rpId: 'example.com' } });
    });
    afterEach(() => host.close());

    /** Password, then the app's setup through the client: the secret and the backup codes. */
    async function enrolled(client: TwoFactorClient, jar: TestClient, userId: string) {
      expect((await jar.call('POST', `/password/${userId}`, {})).json['status']).toBe('not-required');
      const setup = await client.totp.setup();
      if (setup.status !== 200) throw new Error(`setup answered ${setup.status}`);
      const confirmed = await client.totp.confirm({
        code: h.totp.generateCode(setup.body.secret, h.clock.now()),
      });
      expect(confirmed.status).toBe(200);
      if (confirmed.status !== 200 || !confirmed.body.ok) throw new Error('not confirmed');
      h.clock.advance(30_000);
      return { secret: setup.body.secret, backupCodes: confirmed.body.backupCodes ?? [] };
    }

    it('enrols, signs in, surfaces the attempts left, the lock message and Retry-After', async () => {
      const first = browser();
      const { secret, backupCodes } = await enrolled(first.client, first.jar, 'ana');
      expect(backupCodes).toHaveLength(10);
      expect((await first.client.status.get()).body).toMatchObject({ enabled: true, totp: true });

      const { jar, client } = browser();
      expect((await jar.call('POST', '/password/ana', {})).json['status']).toBe('challenge');
      const pending = await client.login.get();
      expect(pending).toMatchObject({ status: 200, body: { methods: ['totp', 'backup-code'] } });
      const wrong = await client.login.verify({
        code: '000000' === h.totp.generateCode(secret, h.clock.now()) ? '111111' : '000000',
      });
      expect(wrong).toMatchObject({
        status: 401,
        body: { reason: 'invalid-code', attemptsLeft: 4 },
        retryAfterSeconds: null,
      });
      let locked = wrong;
      for (let i = 0; i < 3 && locked.status !== 429; i++)
        locked = await client.login.verify({ code: 'abcd-efgh-ijkl-mnop' });
      expect(locked.status).toBe(429);
      if (locked.status !== 429) return;
      expect(locked.retryAfterSeconds).toBe(300);
      expect(locked.body).toMatchObject({ reason: 'locked', message: 'Please try again in five minutes.' });
      h.clock.advance(300_000);
      const verified = await client.login.verify({ code: h.totp.generateCode(secret, h.clock.now()) });
      expect(verified).toMatchObject({ status: 200, body: { ok: true, method: 'totp' } });
    });

    it('downloads the backup codes as the file the API makes, and steps up before a change', async () => {
      const { jar, client } = browser();
      const { secret, backupCodes } = await enrolled(client, jar, 'ana');
      const file = await client.backupCodes.download({ codes: backupCodes });
      expect(file.status).toBe(200);
      expect(file.body).toEqual(expect.stringContaining(backupCodes[0]!));
      expect(file.headers.get('content-disposition')).toContain('backup-codes.txt');
      h.clock.advance(11 * 60_000); // the factor is no longer fresh
      expect(await client.disable({ method: 'totp' })).toMatchObject({
        status: 403,
        body: { error: 'step-up-required' },
      });
      expect((await client.stepUp.start()).status).toBe(200);
      expect((await client.stepUp.verify({ code: h.totp.generateCode(secret, h.clock.now()) })).status).toBe(
        200,
      );
      expect(await client.disable({ method: 'totp' })).toMatchObject({ status: 200, body: { ok: true } });
    });

    it('runs the security-key ceremonies with an authenticator passed in', async () => {
      const key = new SoftAuthenticator();
      const origin = SITE.origin;
      const authenticator = {
        create: async (o: Record<string, unknown>) =>
          key.create(o as unknown as WebauthnCreationOptions, origin),
        get: async (o: Record<string, unknown>) => key.get(o as unknown as WebauthnRequestOptions, origin),
      };
      await h.tf.policy.set({ frequency: { trustDays: 14 } });
      const { jar, client } = browser();
      expect((await jar.call('POST', '/password/ana', {})).json['status']).toBe('not-required');
      const added = await addSecurityKey(client, { label: 'YubiKey', authenticator });
      expect(added).toMatchObject({ status: 200, body: { ok: true, key: { label: 'YubiKey' } } });
      h.clock.advance(11 * 60_000);
      expect((await client.stepUp.start()).status).toBe(200);
      expect(await stepUpWithSecurityKey(client, { authenticator })).toMatchObject({ status: 200 });

      const other = browser();
      expect((await other.jar.call('POST', '/password/ana', {})).json['status']).toBe('challenge');
      const signedIn = await signInWithSecurityKey(other.client, { authenticator, rememberDevice: true });
      expect(signedIn).toMatchObject({ status: 200, body: { ok: true, method: 'webauthn' } });
      expect((await other.client.devices.get()).body).toMatchObject({
        devices: [{ label: expect.any(String) }],
      });
    });

    it('sends JSON (the CSRF rule) and refuses nothing a same-origin page may do; a cross-site page is refused', async () => {
      const { jar, client } = browser();
      expect((await jar.call('POST', '/password/ana', {})).json['status']).toBe('not-required');
      expect((await client.email.setup({ address: 'ana@example.com' })).status).toBe(200);
      const crossSite = createTwoFactorClient({
        baseUrl: `${host.base}/2fa`,
        fetch: (input, init) =>
          jar.fetch(input, { ...init, headers: { ...init?.headers, origin: 'https://evil.example' } }),
      });
      expect(await crossSite.totp.setup()).toMatchObject({ status: 403, body: { error: 'csrf' } });
    });

    it('throws when what answers is not factorkit (a path nothing is mounted at)', async () => {
      const client = createTwoFactorClient({ baseUrl: `${host.base}/nowhere` });
      await expect(client.status.get()).rejects.toBeInstanceOf(TwoFactorClientError);
    });
  });
}
