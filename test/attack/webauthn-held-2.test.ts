/**
 * Second attack round on security keys (WebAuthn): attacks that HELD on 92f2a8c, kept as tests so a
 * regression shows. Real stores (storesUnderTest) and real HTTP servers on 127.0.0.1.
 */
import { generateKeyPairSync } from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';
import { describe, expect, it } from 'vitest';
import type { WebauthnCreationOptions } from '../../src/methods/webauthn/webauthn-json.js';
import { storeKeys } from '../../src/store/keys.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { enrollTotp, MINUTE, makeTwoFactor } from '../helpers/harness.js';
import { storesUnderTest } from '../helpers/stores.js';
import { TestClient } from '../http/support/client.js';
import { hostApps } from '../http/support/host-list.js';
import {
  assert,
  BS,
  type Cred,
  clientData,
  enroll,
  keyChallenge,
  newCred,
  ORIGIN,
  RP_ID,
  register,
  registerOverHttp,
  SITE,
  UP,
  UV,
} from './wa-support.js';

const HTTP_SITE = { rpId: RP_ID, rpName: 'CloudFon CX', origin: ORIGIN };
/** Many failures allowed across challenges (each probe uses a fresh challenge). */
const LOOSE = { policy: { attempts: { accountFreeFailures: 1000 } } };
const siteFor = (userId: string) => ({ ...SITE, userName: `${userId}@example.com` });

for (const target of storesUnderTest()) {
  describe.skipIf(target.skip)(`held: concurrency (${target.name})`, () => {
    it('50 assertions on one challenge at once: exactly one signs in, the key counter moves once', async () => {
      const h = makeTwoFactor(await target.make());
      const { cred } = await enroll(h, 'ana');
      const { challengeId, challenge } = await keyChallenge(h, 'ana');
      const responses = Array.from({ length: 50 }, () => assert(cred, challenge));
      const results = await Promise.all(responses.map((r) => h.tf.login.verifyWebauthn(challengeId, r)));
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(h.events.filter((e) => e.type === 'verify.succeeded')).toHaveLength(1);
    });

    it('a cloned key used on two challenges at once with the same counter: exactly one wins', async () => {
      const h = makeTwoFactor(await target.make());
      const { cred } = await enroll(h, 'ana');
      const first = await keyChallenge(h, 'ana');
      const second = await keyChallenge(h, 'ana');
      const a = assert(cred, first.challenge, { counter: 7 });
      const b = assert(cred, second.challenge, { counter: 7 });
      const results = await Promise.all([
        h.tf.login.verifyWebauthn(first.challengeId, a),
        h.tf.login.verifyWebauthn(second.challengeId, b),
      ]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      // The counter is now 7: the clone's next use with 7 is a regression.
      const third = await keyChallenge(h, 'ana');
      expect(
        (await h.tf.login.verifyWebauthn(third.challengeId, assert(cred, third.challenge, { counter: 7 })))
          .ok,
      ).toBe(false);
      expect(h.events.some((e) => e.type === 'webauthn.counter-regressed')).toBe(true);
    });

    it('removing the last key racing a login with it: never a key record back, never on without keys', async () => {
      for (let round = 0; round < 5; round++) {
        const h = makeTwoFactor(await target.make());
        const { cred, result } = await enroll(h, 'ana');
        const keyId = result.ok ? result.key.id : '';
        const { challengeId, challenge } = await keyChallenge(h, 'ana');
        const response = assert(cred, challenge);
        await Promise.all([
          h.tf.login.verifyWebauthn(challengeId, response),
          h.tf.webauthn.remove('ana', keyId),
        ]);
        expect(await h.tf.webauthn.list('ana')).toEqual([]);
        expect(await h.tf.status('ana')).toMatchObject({ enabled: false, securityKeys: 0 });
        expect(await h.tf.login.start('ana')).toEqual({ status: 'not-required' });
      }
    });

    it('removing the last key racing a new registration: on with the new key, or off with none', async () => {
      for (let round = 0; round < 5; round++) {
        const h = makeTwoFactor(await target.make());
        const { result } = await enroll(h, 'ana');
        const keyId = result.ok ? result.key.id : '';
        const options = (await h.tf.webauthn.beginRegistration('ana', siteFor('ana'))).options;
        const response = register(newCred(), options);
        await Promise.all([
          h.tf.webauthn.finishRegistration('ana', response, { label: 'new' }),
          h.tf.webauthn.remove('ana', keyId),
        ]);
        const keys = await h.tf.webauthn.list('ana');
        const status = await h.tf.status('ana');
        expect(status.enabled).toBe(keys.length > 0);
        expect(status.securityKeys).toBe(keys.length);
        expect(keys.map((k) => k.label)).not.toContain('key');
      }
    });

    it('rename racing logins: the rename wins within its rounds and keeps the login counter', async () => {
      const h = makeTwoFactor(await target.make());
      const { cred, result } = await enroll(h, 'ana');
      const keyId = result.ok ? result.key.id : '';
      const { challengeId, challenge } = await keyChallenge(h, 'ana');
      const [verified, renamed] = await Promise.all([
        h.tf.login.verifyWebauthn(challengeId, assert(cred, challenge)),
        h.tf.webauthn.rename('ana', keyId, 'Work key'),
      ]);
      expect(renamed).toEqual({ ok: true });
      const [key] = await h.tf.webauthn.list('ana');
      expect(key!.label).toBe('Work key');
      if (verified.ok) expect(key!.lastUsedAt).toBe(h.clock.now());
    });
  });
}

describe('held: ceremony confusion (memory)', () => {
  it('a registration response, a step-up ceremony, another challenge, an old or ended ceremony: all refused', async () => {
    const h = makeTwoFactor(new MemoryStore());
    const { cred } = await enroll(h, 'ana');
    const login = await keyChallenge(h, 'ana');
    const other = await keyChallenge(h, 'ana');
    const stepUp = await keyChallenge(h, 'ana', true);
    const regOptions = (await h.tf.webauthn.beginRegistration('ana', siteFor('ana'))).options;
    const refusals = [
      // registration ceremony's challenge, signed as a login
      assert(cred, regOptions.challenge),
      // the right challenge, but typed as a registration
      assert(cred, login.challenge, { type: 'webauthn.create' }),
      // another session's login ceremony
      assert(cred, other.challenge),
      // the step-up ceremony
      assert(cred, stepUp.challenge),
    ];
    for (const response of refusals.slice(0, 2)) {
      expect((await h.tf.login.verifyWebauthn(login.challengeId, response)).ok).toBe(false);
    }
    h.clock.advance(6 * MINUTE); // past the lock the two refusals did not arm yet; ceremonies expire
    const renewed = await h.tf.login.webauthnOptions(other.challengeId);
    if (!renewed.ok) throw new Error(renewed.reason);
    // The old ceremony of `other` is void once a new one is issued.
    expect((await h.tf.login.verifyWebauthn(other.challengeId, refusals[2]!)).ok).toBe(false);
    // A step-up proof cannot be used on a login challenge.
    expect((await h.tf.login.verifyWebauthn(other.challengeId, refusals[3]!)).ok).toBe(false);
    const good = assert(cred, renewed.options.challenge);
    expect(await h.tf.login.verifyWebauthn(other.challengeId, good)).toMatchObject({
      ok: true,
      purpose: 'login',
    });
    expect(
      await h.tf.login.verifyWebauthn(other.challengeId, assert(cred, renewed.options.challenge)),
    ).toEqual({
      ok: false,
      reason: 'challenge-ended',
    });
    // A step-up success reports purpose step-up (the HTTP layer never signs a pending login in with it).
    const freshStepUp = await h.tf.login.webauthnOptions(stepUp.challengeId);
    if (!freshStepUp.ok) throw new Error(freshStepUp.reason);
    expect(
      await h.tf.login.verifyWebauthn(stepUp.challengeId, assert(cred, freshStepUp.options.challenge), {
        rememberDevice: true,
      }),
    ).toEqual({ ok: true, userId: 'ana', method: 'webauthn', purpose: 'step-up', provenAt: h.clock.now() });
  });

  it("a registration response replayed into another user's ceremony, or registered twice, is refused", async () => {
    const h = makeTwoFactor(new MemoryStore());
    await enrollTotp(h, 'ben');
    const anaOptions = (await h.tf.webauthn.beginRegistration('ana', siteFor('ana'))).options;
    const benOptions = (await h.tf.webauthn.beginRegistration('ben', siteFor('ben'))).options;
    const cred = newCred();
    const anas = register(cred, anaOptions);
    expect((await h.tf.webauthn.finishRegistration('ben', anas, { label: 'stolen' })).ok).toBe(false);
    expect((await h.tf.webauthn.finishRegistration('ana', anas, { label: 'mine' })).ok).toBe(true);
    const again = (await h.tf.webauthn.beginRegistration('ana', siteFor('ana'))).options;
    expect(
      (await h.tf.webauthn.finishRegistration('ana', register(cred, again), { label: 'twice' })).ok,
    ).toBe(false);
    expect(await h.tf.webauthn.list('ben')).toEqual([]);
    expect(benOptions.challenge).not.toBe(anaOptions.challenge);
  });

  it('origin and relying party look-alikes are refused', async () => {
    const h = makeTwoFactor(new MemoryStore(), LOOSE);
    const { cred } = await enroll(h, 'ana');
    const variants: Array<{ origin?: string; rpId?: string }> = [
      { origin: 'https://CX.example.com' },
      { origin: 'https://cx.example.com:443' },
      { origin: 'https://cx.example.com:8443' },
      { origin: 'https://cx.example.com.' },
      { origin: 'https://cx.example.com/' },
      { origin: 'http://cx.example.com' },
      { origin: 'https://example.com' },
      { origin: 'https://evil.cx.example.com' },
      { origin: 'https://cx.example.com.evil.test' },
      { origin: 'https://xn--cx-xka.example.com' },
      { rpId: 'EXAMPLE.COM' },
      { rpId: 'example.com.' },
      { rpId: 'cx.example.com' },
      { rpId: 'com' },
    ];
    for (const variant of variants) {
      const { challengeId, challenge } = await keyChallenge(h, 'ana');
      const result = await h.tf.login.verifyWebauthn(challengeId, assert(cred, challenge, variant));
      expect(result.ok, JSON.stringify(variant)).toBe(false);
      h.clock.advance(6 * MINUTE);
    }
  });

  it('flags: no user presence refused; user verification required is enforced; BS without BE refused', async () => {
    const h = makeTwoFactor(new MemoryStore(), { webauthn: { userVerification: 'required' } });
    const { cred } = await enroll(h, 'ana');
    for (const flags of [UV, UP, UP | UV | BS, 0]) {
      const { challengeId, challenge } = await keyChallenge(h, 'ana');
      expect((await h.tf.login.verifyWebauthn(challengeId, assert(cred, challenge, { flags }))).ok).toBe(
        false,
      );
      h.clock.advance(6 * MINUTE);
    }
    const options = (await h.tf.webauthn.beginRegistration('ben', siteFor('ben'))).options;
    expect(
      (
        await h.tf.webauthn.finishRegistration('ben', register(newCred(), options, { flags: UP }), {
          label: 'x',
        })
      ).ok,
    ).toBe(false);
    const { challengeId, challenge } = await keyChallenge(h, 'ana');
    expect((await h.tf.login.verifyWebauthn(challengeId, assert(cred, challenge))).ok).toBe(true);
  });

  it('counters: back to 0, equal, and a wrap-around are refused; 2^32-1 is accepted once', async () => {
    const h = makeTwoFactor(new MemoryStore(), LOOSE);
    const { cred } = await enroll(h, 'ana');
    let c = await keyChallenge(h, 'ana');
    expect(
      (await h.tf.login.verifyWebauthn(c.challengeId, assert(cred, c.challenge, { counter: 5 }))).ok,
    ).toBe(true);
    for (const counter of [0, 5, 4]) {
      c = await keyChallenge(h, 'ana');
      expect(
        (await h.tf.login.verifyWebauthn(c.challengeId, assert(cred, c.challenge, { counter }))).ok,
      ).toBe(false);
    }
    c = await keyChallenge(h, 'ana');
    expect(
      (await h.tf.login.verifyWebauthn(c.challengeId, assert(cred, c.challenge, { counter: 0xffffffff }))).ok,
    ).toBe(true);
    c = await keyChallenge(h, 'ana');
    // 2^32 wraps to 0 in the authenticator data: refused.
    expect(
      (await h.tf.login.verifyWebauthn(c.challengeId, assert(cred, c.challenge, { counter: 2 ** 32 }))).ok,
    ).toBe(false);
  });
});

describe('held: malformed CBOR/COSE and algorithms (memory)', () => {
  /** A registration response carrying `cose` as the public key and `attestation` as the object. */
  function withKey(options: WebauthnCreationOptions, cose: Map<number, unknown>, id = Buffer.alloc(16, 7)) {
    const cred: Cred = { ...newCred(id), publicCose: isoCBOR.encode(cose as never) };
    return register(cred, options);
  }

  it('RSA (RS256) and Ed25519 keys register and sign in; unsupported or broken keys are refused, not 500', async () => {
    const h = makeTwoFactor(new MemoryStore(), LOOSE);
    // RS256
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rsaJwk = rsa.publicKey.export({ format: 'jwk' });
    const rsaCred: Cred = {
      ...newCred(),
      privateKey: rsa.privateKey,
      publicCose: isoCBOR.encode(
        new Map<number, unknown>([
          [1, 3],
          [3, -257],
          [-1, Buffer.from(rsaJwk.n as string, 'base64url')],
          [-2, Buffer.from(rsaJwk.e as string, 'base64url')],
        ]) as never,
      ),
    };
    let options = (await h.tf.webauthn.beginRegistration('ana', siteFor('ana'))).options;
    expect(options.pubKeyCredParams.map((p) => p.alg).sort()).toEqual([-257, -7, -8].sort());
    expect(
      (await h.tf.webauthn.finishRegistration('ana', register(rsaCred, options), { label: 'rsa' })).ok,
    ).toBe(true);
    let c = await keyChallenge(h, 'ana');
    expect((await h.tf.login.verifyWebauthn(c.challengeId, assert(rsaCred, c.challenge))).ok).toBe(true);
    // Ed25519
    const ed = generateKeyPairSync('ed25519');
    const edJwk = ed.publicKey.export({ format: 'jwk' });
    const edCred: Cred = {
      ...newCred(),
      privateKey: ed.privateKey,
      publicCose: isoCBOR.encode(
        new Map<number, unknown>([
          [1, 1],
          [3, -8],
          [-1, 6],
          [-2, Buffer.from(edJwk.x as string, 'base64url')],
        ]) as never,
      ),
    };
    options = (await h.tf.webauthn.beginRegistration('ben', siteFor('ben'))).options;
    expect(
      (await h.tf.webauthn.finishRegistration('ben', register(edCred, options), { label: 'ed' })).ok,
    ).toBe(true);
    c = await keyChallenge(h, 'ben');
    expect((await h.tf.login.verifyWebauthn(c.challengeId, assert(edCred, c.challenge))).ok).toBe(true);

    // Unsupported algorithms and malformed COSE keys: refused as a failed attempt, never thrown.
    const broken: Array<Map<number, unknown>> = [
      new Map<number, unknown>([
        [1, 2],
        [3, -65535],
        [-1, 1],
        [-2, Buffer.alloc(32)],
        [-3, Buffer.alloc(32)],
      ]),
      new Map<number, unknown>([
        [1, 2],
        [3, -37],
        [-1, 1],
        [-2, Buffer.alloc(32)],
        [-3, Buffer.alloc(32)],
      ]),
      new Map<number, unknown>([
        [1, 2],
        [3, 'ES256'],
        [-1, 1],
      ]),
      new Map<number, unknown>([
        [1, 2],
        [-1, 1],
        [-2, Buffer.alloc(32)],
        [-3, Buffer.alloc(32)],
      ]),
      new Map<number, unknown>([
        [1, 2],
        [3, -49],
      ]),
    ];
    for (const cose of broken) {
      const o = (await h.tf.webauthn.beginRegistration('cy', siteFor('cy'))).options;
      const result = await h.tf.webauthn.finishRegistration('cy', withKey(o, cose), { label: 'x' });
      expect(result.ok, [...cose.entries()].join(';')).toBe(false);
    }
    expect(await h.tf.webauthn.list('cy')).toEqual([]);
  });

  it('deeply nested / oversized CBOR and clientDataJSON are refused quickly without throwing', async () => {
    const h = makeTwoFactor(new MemoryStore(), LOOSE);
    const bombs = [
      Buffer.alloc(49_000, 0x81), // arrays nested 49k deep
      Buffer.concat([Buffer.from([0x9b, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]), Buffer.alloc(100)]), // 4G-element array
      Buffer.concat([Buffer.from([0xbb, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]), Buffer.alloc(100)]), // 4G-entry map
      Buffer.from([0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), // 2^64 byte string
      Buffer.alloc(49_000, 0x9f), // indefinite arrays, never closed
    ];
    for (const bomb of bombs) {
      const o = (await h.tf.webauthn.beginRegistration('ana', siteFor('ana'))).options;
      const response = register(newCred(), o);
      response.response.attestationObject = bomb.toString('base64url');
      const started = Date.now();
      const result = await h.tf.webauthn.finishRegistration('ana', response, { label: 'x' });
      expect(result.ok).toBe(false);
      expect(Date.now() - started).toBeLessThan(2000);
    }
    const o = (await h.tf.webauthn.beginRegistration('ana', siteFor('ana'))).options;
    const big = register(newCred(), o);
    big.response.clientDataJSON = clientData({
      type: 'webauthn.create',
      challenge: o.challenge,
      origin: ORIGIN,
      pad: 'x'.repeat(7000),
    });
    await expect(h.tf.webauthn.finishRegistration('ana', big, { label: 'x' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });

  it('JSON prototype pollution through the response is inert', async () => {
    const h = makeTwoFactor(new MemoryStore());
    const { cred } = await enroll(h, 'ana');
    const { challengeId, challenge } = await keyChallenge(h, 'ana');
    const response = JSON.parse(
      JSON.stringify(assert(cred, challenge)).replace(
        '"clientExtensionResults":{}',
        '"clientExtensionResults":{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}},"__proto__":{"polluted":1}',
      ),
    );
    expect((await h.tf.login.verifyWebauthn(challengeId, response)).ok).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('held: the HTTP layer', () => {
  for (const app of hostApps) {
    it(`${app.name}: step-up and user binding on every key route; no 5xx on hostile input`, async () => {
      const h = makeTwoFactor(new MemoryStore());
      const errors: unknown[] = [];
      const host = await app.start(h, { errors, webauthn: HTTP_SITE });
      try {
        const ana = new TestClient(host.base);
        await ana.call('POST', '/password/ana', {});
        const { cred: anaCred, added, keyId: anaKey, creation } = await registerOverHttp(ana);
        expect(added.status).toBe(200);

        // Ben, signed in with a fresh factor, cannot touch ana's key by id.
        const ben = new TestClient(host.base);
        await ben.call('POST', '/password/ben', {});
        const benOptions = (await ben.call('POST', '/2fa/webauthn/register/options', {}))
          .json as unknown as WebauthnCreationOptions;
        expect(
          (
            await ben.call('POST', '/2fa/webauthn/register', {
              response: register(newCred(), benOptions),
              label: 'b',
            })
          ).status,
        ).toBe(200);
        expect((await ben.call('PUT', `/2fa/webauthn/keys/${anaKey}`, { label: 'pwned' })).status).toBe(404);
        expect((await ben.call('DELETE', `/2fa/webauthn/keys/${anaKey}`)).status).toBe(404);
        expect((await ben.call('GET', '/2fa/webauthn/keys')).json['keys']).toHaveLength(1);
        expect((await h.tf.webauthn.list('ana')).map((k) => k.label)).toEqual(['YubiKey']);

        // A pending (password-only) session of ana: no key list, no registration, no removal.
        const pending = new TestClient(host.base);
        await pending.call('POST', '/password/ana', {});
        expect((await pending.call('GET', '/2fa/webauthn/keys')).status).toBe(401);
        expect((await pending.call('POST', '/2fa/webauthn/register/options', {})).status).toBe(401);
        expect((await pending.call('DELETE', `/2fa/webauthn/keys/${anaKey}`)).status).toBe(401);
        // An anonymous browser learns nothing.
        const anon = new TestClient(host.base);
        for (const path of ['/2fa/login/webauthn/options', '/2fa/step-up/webauthn/options']) {
          const answer = await anon.call('POST', path, {});
          expect(answer.status).toBe(401);
          expect(answer.text).not.toContain(anaKey);
        }
        // Once 2FA is on and the factor is stale, adding or removing a key needs a step-up.
        h.clock.advance(60 * MINUTE);
        expect((await ana.call('POST', '/2fa/webauthn/register/options', {})).status).toBe(403);
        expect(
          (
            await ana.call('POST', '/2fa/webauthn/register', {
              response: register(newCred(), creation),
              label: 'x',
            })
          ).status,
        ).toBe(403);
        expect((await ana.call('DELETE', `/2fa/webauthn/keys/${anaKey}`)).status).toBe(403);
        // The pending login cannot use a step-up route, and vice versa.
        expect((await pending.call('POST', '/2fa/step-up/webauthn', { response: {} })).status).toBe(401);
        expect((await ana.call('POST', '/2fa/login/webauthn', { response: {} })).status).toBe(401);

        // Refused assertions count, with the key wording, then the five-minute lock; bad shapes are 400, uncounted.
        await pending.call('POST', '/password/ana', {});
        const request = (await pending.call('POST', '/2fa/login/webauthn/options', {})).json['options'] as {
          challenge: string;
        };
        expect((await pending.call('POST', '/2fa/login/webauthn', { response: { id: 'x' } })).status).toBe(
          400,
        );
        const wrong = assert(newCred(anaCred.id), request.challenge);
        const first = await pending.call('POST', '/2fa/login/webauthn', { response: wrong });
        expect(first).toMatchObject({
          status: 401,
          json: {
            reason: 'invalid-code',
            attemptsLeft: 4,
            message: 'The security key was not accepted. 4 attempts left.',
          },
        });
        await pending.call('POST', '/2fa/login/webauthn', { response: assert(anaCred, 'AAAA') });
        const third = await pending.call('POST', '/2fa/login/webauthn', {
          response: assert(anaCred, request.challenge, { origin: 'https://evil.test' }),
        });
        expect(third).toMatchObject({
          status: 429,
          json: { reason: 'locked', message: 'Please try again in five minutes.' },
        });

        // Hostile input on every key route: never a 5xx, never a stack.
        const hostile: unknown[] = [
          {},
          [],
          null,
          7,
          'x',
          { response: null },
          { response: [] },
          { response: { id: anaKey } },
          {
            response: {
              ...register(newCred(), creation),
              response: { clientDataJSON: 'AAAA', attestationObject: 'oA' },
            },
            label: 'x',
          },
          JSON.parse('{"response":{"__proto__":{"polluted":1}},"label":"x","__proto__":{"polluted":1}}'),
          { label: 'x'.repeat(65) },
          { label: '   ' },
        ];
        const routes: Array<[string, string]> = [
          ['POST', '/2fa/webauthn/register/options'],
          ['POST', '/2fa/webauthn/register'],
          ['PUT', `/2fa/webauthn/keys/${anaKey}`],
          ['PUT', '/2fa/webauthn/keys/%E0%A4%A'],
          ['PUT', `/2fa/webauthn/keys/${'A'.repeat(5000)}`],
          ['DELETE', '/2fa/webauthn/keys/%ZZ'],
          ['POST', '/2fa/login/webauthn/options'],
          ['POST', '/2fa/login/webauthn'],
          ['POST', '/2fa/step-up/webauthn/options'],
          ['POST', '/2fa/step-up/webauthn'],
        ];
        for (const client of [ana, pending, anon]) {
          for (const [method, path] of routes) {
            for (const body of hostile) {
              const answer = await client.call(method, path, body);
              expect(answer.status, `${method} ${path} ${JSON.stringify(body)}`).toBeLessThan(500);
              expect(answer.text).not.toMatch(/\.ts:\d+|node_modules|at async/);
            }
            for (const raw of ['{"response":', '\ufeff{}', '['.repeat(5000)]) {
              const answer = await client.call(method, path, undefined, {
                raw: { body: raw, type: 'application/json' },
              });
              expect(answer.status, `${method} ${path} raw`).toBeLessThan(500);
            }
          }
        }
        expect(errors).toEqual([]);
        expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      } finally {
        await host.close();
      }
    });
  }
});

describe('held: admin reset and removal end what the keys opened (memory)', () => {
  it('after an admin reset an old ceremony and the old key are useless', async () => {
    const store = new MemoryStore();
    const h = makeTwoFactor(store);
    const { cred } = await enroll(h, 'ana');
    const { challengeId, challenge } = await keyChallenge(h, 'ana');
    await h.tf.admin.reset({ id: 'boss', roles: ['admin'] }, 'ana');
    expect((await h.tf.login.verifyWebauthn(challengeId, assert(cred, challenge))).ok).toBe(false);
    expect(await store.get(storeKeys.webauthn('ana'), h.clock.now())).toBeNull();
  });
});
