import { describe, expect, it } from 'vitest';
import { createTwoFactorHttp } from '../../src/http/create-http.js';
import type {
  WebauthnCreationOptions,
  WebauthnRequestOptions,
} from '../../src/methods/webauthn/webauthn-json.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { MINUTE, makeTwoFactor } from '../helpers/harness.js';
import { SoftAuthenticator } from '../helpers/soft-authenticator.js';
import { forEachHost } from './support/suite.js';

const SITE = { rpId: 'example.com', rpName: 'CloudFon CX', origin: 'https://cx.example.com' };

describe('the webauthn option of the HTTP layer', () => {
  it('is checked when the layer is built: a site the browser would refuse is CONFIG, extra fields are fine', () => {
    const { tf } = makeTwoFactor(new MemoryStore());
    for (const [site, field] of [
      [{ ...SITE, origin: 'https://cx.example.org' }, 'webauthn.origin'],
      [{ ...SITE, origin: 'http://cx.example.com' }, 'webauthn.origin'],
      [{ ...SITE, origin: 'https://cx.example.com/' }, 'webauthn.origin'],
      [{ ...SITE, rpId: 'Example.COM' }, 'webauthn.rpId'],
    ] as const) {
      expect(() => createTwoFactorHttp(tf, { webauthn: site })).toThrow(
        expect.objectContaining({ code: 'CONFIG', field }),
      );
    }
    const shared = { ...SITE, userVerification: 'required' as const };
    expect(() => createTwoFactorHttp(tf, { webauthn: shared })).not.toThrow();
  });
});

/** Security keys over HTTP, on every adapter: registration, login, step-up, rename, removal. */
forEachHost((ctx) => {
  it('without the webauthn option the endpoints answer 404', async () => {
    const client = ctx.browser();
    await client.call('POST', '/password/ana', {});
    expect(await client.call('POST', '/2fa/webauthn/register/options', {})).toMatchObject({
      status: 404,
      json: { error: 'not-found' },
    });
    // The list too: a settings page asking it offers no "Add a security key" that cannot work.
    expect(await client.call('GET', '/2fa/webauthn/keys')).toMatchObject({
      status: 404,
      json: { error: 'not-found' },
    });
  });

  it('registers a key, signs in with it, steps up with it and removes it', async () => {
    await ctx.restart({ webauthn: SITE });
    const key = new SoftAuthenticator();
    const client = ctx.browser();
    expect((await client.call('POST', '/password/ana', {})).json['status']).toBe('not-required');
    const options = await client.call('POST', '/2fa/webauthn/register/options', {});
    expect(options.status).toBe(200);
    const creation = options.json as unknown as WebauthnCreationOptions;
    expect(creation.rp).toEqual({ id: 'example.com', name: 'CloudFon CX' });
    const registered = await client.call('POST', '/2fa/webauthn/register', {
      response: key.create(creation, SITE.origin),
      label: 'YubiKey',
    });
    expect(registered.status).toBe(200);
    expect(registered.json).toMatchObject({ ok: true, key: { label: 'YubiKey' } });
    expect(registered.json['backupCodes']).toHaveLength(10);
    expect((await client.call('GET', '/2fa/status')).json).toMatchObject({ enabled: true, securityKeys: 1 });

    await client.call('POST', '/sign-out', {});
    const login = ctx.browser();
    expect((await login.call('POST', '/password/ana', {})).json['status']).toBe('challenge');
    expect((await login.call('GET', '/2fa/login')).json['methods']).toEqual(['webauthn', 'backup-code']);
    const request = (await login.call('POST', '/2fa/login/webauthn/options', {})).json[
      'options'
    ] as WebauthnRequestOptions;
    const held = key.held[0]!;
    held.counter += 1;
    const foreign = key.sign(held, request.challenge, 'https://evil.test', request.rpId);
    expect(await login.call('POST', '/2fa/login/webauthn', { response: foreign })).toMatchObject({
      status: 401,
      json: {
        reason: 'invalid-code',
        attemptsLeft: 4,
        message: 'The security key was not accepted. 4 attempts left.',
      },
    });
    expect(await login.call('POST', '/2fa/login/webauthn', { response: { id: 'x' } })).toMatchObject({
      status: 400,
      json: { error: 'invalid-input' },
    });
    const signedIn = await login.call('POST', '/2fa/login/webauthn', {
      response: key.get(request, SITE.origin),
    });
    expect(signedIn).toMatchObject({ status: 200, json: { ok: true, method: 'webauthn' } });
    const keys = (await login.call('GET', '/2fa/webauthn/keys')).json['keys'] as Array<{
      id: string;
      lastUsedAt: number;
    }>;
    expect(keys).toHaveLength(1);
    expect(keys[0]!.lastUsedAt).toBe(ctx.h.clock.now());
    expect(await login.call('PUT', `/2fa/webauthn/keys/${keys[0]!.id}`, { label: 'Work key' })).toMatchObject(
      { status: 200 },
    );
    expect(await login.call('PUT', '/2fa/webauthn/keys/bm9uZQ', { label: 'x' })).toMatchObject({
      status: 404,
      json: { error: 'unknown-key' },
    });

    // Removal needs a fresh second factor: after 11 minutes, step up with the key.
    ctx.h.clock.advance(11 * MINUTE);
    expect(await login.call('DELETE', `/2fa/webauthn/keys/${keys[0]!.id}`)).toMatchObject({
      status: 403,
      json: { error: 'step-up-required' },
    });
    // A ceremony or a response before any step-up began: 409 no-step-up.
    expect(await login.call('POST', '/2fa/step-up/webauthn/options', {})).toMatchObject({
      status: 409,
      json: { error: 'no-step-up' },
    });
    expect(await login.call('POST', '/2fa/step-up/webauthn', { response: { id: 'x' } })).toMatchObject({
      status: 409,
      json: { error: 'no-step-up' },
    });
    expect((await login.call('POST', '/2fa/step-up/start', {})).json['methods']).toContain('webauthn');
    const stepUp = (await login.call('POST', '/2fa/step-up/webauthn/options', {})).json[
      'options'
    ] as WebauthnRequestOptions;
    expect(
      await login.call('POST', '/2fa/step-up/webauthn', { response: key.get(stepUp, SITE.origin) }),
    ).toMatchObject({
      status: 200,
      json: { ok: true, method: 'webauthn' },
    });
    expect(await login.call('DELETE', `/2fa/webauthn/keys/${keys[0]!.id}`)).toMatchObject({ status: 200 });
    // The last key: 2FA is off, and this session stays signed in.
    expect((await login.call('GET', '/2fa/status')).json).toMatchObject({ enabled: false, securityKeys: 0 });
    expect((await login.call('GET', '/app')).status).toBe(200);
  });
});
