import { describe, expect, it } from 'vitest';
import type { WebauthnRequestOptions } from '../../src/methods/webauthn/webauthn-json.js';
import { storeKeys } from '../../src/store/keys.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { enrollTotp, type Harness, MINUTE, makeTwoFactor, startChallenge } from '../helpers/harness.js';
import { SoftAuthenticator } from '../helpers/soft-authenticator.js';
import { storesUnderTest } from '../helpers/stores.js';

const ORIGIN = 'https://cx.example.com';
const SITE = { rpId: 'example.com', rpName: 'CloudFon CX', origin: ORIGIN, userName: 'ana@example.com' };

/** Registers a soft key for `userId`; returns the authenticator and the result. */
async function register(h: Harness, userId: string, key = new SoftAuthenticator(), label = 'YubiKey') {
  const options = (await h.tf.webauthn.beginRegistration(userId, SITE)).options;
  const result = await h.tf.webauthn.finishRegistration(userId, key.create(options, ORIGIN), { label });
  if (!result.ok) throw new Error(`registration failed: ${JSON.stringify(result)}`);
  return { key, result };
}

/** A login challenge that offers the key, with its request options. */
async function challengeWithKey(h: Harness, userId: string, stepUp = false) {
  const start = await startChallenge(h, userId, { stepUp });
  expect(start.methods).toContain('webauthn');
  return { challengeId: start.challengeId, options: start.webauthnOptions as WebauthnRequestOptions };
}

for (const target of storesUnderTest()) {
  describe.skipIf(target.skip)(`security keys (${target.name})`, () => {
    it('registers a key as the first factor (backup codes), lists it, and signs in with it', async () => {
      const h = makeTwoFactor(await target.make());
      const options = (await h.tf.webauthn.beginRegistration('ana', SITE)).options;
      expect(options).toMatchObject({
        rp: { id: 'example.com', name: 'CloudFon CX' },
        user: { name: 'ana@example.com' },
        attestation: 'none',
        authenticatorSelection: { residentKey: 'discouraged', userVerification: 'preferred' },
        excludeCredentials: [],
      });
      // The user handle is a keyed hash, never the user id.
      expect(Buffer.from(options.user.id, 'base64url').toString()).not.toContain('ana');
      const key = new SoftAuthenticator();
      const registered = await h.tf.webauthn.finishRegistration('ana', key.create(options, ORIGIN), {
        label: 'YubiKey 5',
      });
      expect(registered).toMatchObject({
        ok: true,
        key: { label: 'YubiKey 5', lastUsedAt: null, transports: ['usb'] },
      });
      expect(registered.ok && registered.backupCodes).toHaveLength(10);
      expect(await h.tf.status('ana')).toEqual({
        enabled: true,
        totp: false,
        email: null,
        securityKeys: 1,
        backupCodesRemaining: 10,
      });
      const listed = await h.tf.webauthn.list('ana');
      expect(listed).toEqual([
        {
          id: expect.any(String),
          label: 'YubiKey 5',
          createdAt: h.clock.now(),
          lastUsedAt: null,
          transports: ['usb'],
          aaguid: '00000000-0000-0000-0000-000000000000',
          backupEligible: false,
          backedUp: false,
        },
      ]);

      h.clock.advance(MINUTE);
      const { challengeId, options: request } = await challengeWithKey(h, 'ana');
      expect(request).toMatchObject({
        rpId: 'example.com',
        userVerification: 'preferred',
        timeout: 300_000,
        allowCredentials: [{ id: listed[0]!.id, type: 'public-key', transports: ['usb'] }],
      });
      const verified = await h.tf.login.verifyWebauthn(challengeId, key.get(request, ORIGIN), {
        rememberDevice: false,
      });
      expect(verified).toEqual({
        ok: true,
        userId: 'ana',
        method: 'webauthn',
        purpose: 'login',
        provenAt: h.clock.now(),
      });
      expect((await h.tf.webauthn.list('ana'))[0]!.lastUsedAt).toBe(h.clock.now());
      expect(h.events.map((e) => e.type)).toEqual(
        expect.arrayContaining(['webauthn.setup-started', 'webauthn.registered', 'verify.succeeded']),
      );
    });

    it('refuses assertions for another origin, relying party or challenge, and counts each as a failed attempt', async () => {
      const h = makeTwoFactor(await target.make());
      const { key } = await register(h, 'ana');
      const { challengeId, options } = await challengeWithKey(h, 'ana');
      const held = key.held[0]!;
      const before = await h.tf.webauthn.list('ana');
      const refusals = [
        key.sign(held, options.challenge, 'https://cx.example.com.evil.test', options.rpId),
        key.sign(held, options.challenge, ORIGIN, 'evil.test'),
        key.sign(held, Buffer.from('another challenge').toString('base64url'), ORIGIN, options.rpId),
      ];
      for (const [i, response] of refusals.entries()) {
        held.counter += 1;
        const result = await h.tf.login.verifyWebauthn(challengeId, response);
        expect(result.ok).toBe(false);
        if (i < 2) expect(result).toMatchObject({ reason: 'invalid-code', attemptsLeft: 4 - i });
      }
      // The third failure armed the help page's five-minute lock.
      expect(await h.tf.login.verifyWebauthn(challengeId, key.get(options, ORIGIN))).toMatchObject({
        ok: false,
        reason: 'locked',
        message: 'Please try again in five minutes.',
      });
      expect(await h.tf.webauthn.list('ana')).toEqual(before);
      expect(h.events.filter((e) => e.type === 'verify.failed')).toHaveLength(3);
    });

    it('an assertion is single use: replayed on its challenge or another, it is refused', async () => {
      const h = makeTwoFactor(await target.make());
      const { key } = await register(h, 'ana');
      const first = await challengeWithKey(h, 'ana');
      const response = key.get(first.options, ORIGIN);
      expect((await h.tf.login.verifyWebauthn(first.challengeId, response)).ok).toBe(true);
      expect(await h.tf.login.verifyWebauthn(first.challengeId, response)).toEqual({
        ok: false,
        reason: 'challenge-ended',
      });
      const second = await challengeWithKey(h, 'ana');
      expect(await h.tf.login.verifyWebauthn(second.challengeId, response)).toMatchObject({
        ok: false,
        reason: 'invalid-code',
      });
    });

    it('two assertions on one challenge at once: exactly one signs in', async () => {
      const h = makeTwoFactor(await target.make());
      const { key } = await register(h, 'ana');
      const { challengeId, options } = await challengeWithKey(h, 'ana');
      const responses = [key.get(options, ORIGIN), key.get(options, ORIGIN)];
      const results = await Promise.all(responses.map((r) => h.tf.login.verifyWebauthn(challengeId, r)));
      expect(results.filter((r) => r.ok)).toHaveLength(1);
    });

    it('refuses a counter that went back (a cloned key) and reports it', async () => {
      const h = makeTwoFactor(await target.make());
      const { key } = await register(h, 'ana');
      const first = await challengeWithKey(h, 'ana');
      const held = key.held[0]!;
      held.counter = 10;
      expect(
        (
          await h.tf.login.verifyWebauthn(
            first.challengeId,
            key.sign(held, first.options.challenge, ORIGIN, 'example.com'),
          )
        ).ok,
      ).toBe(true);
      const second = await challengeWithKey(h, 'ana');
      held.counter = 7;
      const clone = key.sign(held, second.options.challenge, ORIGIN, 'example.com');
      expect(await h.tf.login.verifyWebauthn(second.challengeId, clone)).toMatchObject({
        ok: false,
        reason: 'invalid-code',
      });
      expect(h.events.find((e) => e.type === 'webauthn.counter-regressed')).toMatchObject({
        userId: 'ana',
        detail: { credentialId: key.held[0]!.id.toString('base64url') },
      });
    });

    it('keys that keep no counter (passkeys) sign in again and again', async () => {
      const h = makeTwoFactor(await target.make());
      const key = new SoftAuthenticator();
      key.counterStep = 0;
      await register(h, 'ana', key);
      for (let i = 0; i < 2; i++) {
        const { challengeId, options } = await challengeWithKey(h, 'ana');
        expect((await h.tf.login.verifyWebauthn(challengeId, key.get(options, ORIGIN))).ok).toBe(true);
      }
    });

    it("refuses another user's key, and malformed responses as bad input without counting them", async () => {
      const h = makeTwoFactor(await target.make());
      const { key: anaKey } = await register(h, 'ana');
      const { key: benKey } = await register(h, 'ben');
      const { challengeId, options } = await challengeWithKey(h, 'ana');
      const bens = benKey.sign(benKey.held[0]!, options.challenge, ORIGIN, 'example.com');
      expect(await h.tf.login.verifyWebauthn(challengeId, bens)).toMatchObject({
        ok: false,
        reason: 'invalid-code',
        attemptsLeft: 4,
      });
      for (const bad of [
        null,
        'text',
        {},
        { ...anaKey.get(options, ORIGIN), type: 'password' },
        { id: '<script>' },
      ]) {
        await expect(h.tf.login.verifyWebauthn(challengeId, bad as never)).rejects.toMatchObject({
          code: 'INVALID_INPUT',
        });
      }
      await expect(
        h.tf.webauthn.finishRegistration('ana', { id: 'x' } as never, { label: 'k' }),
      ).rejects.toMatchObject({
        code: 'INVALID_INPUT',
      });
      expect(await h.tf.login.verifyWebauthn(challengeId, anaKey.get(options, ORIGIN))).toMatchObject({
        ok: true,
      });
    });

    it('registration: the ceremony is single use, bound to its origin, and refused once used or expired', async () => {
      const h = makeTwoFactor(await target.make());
      await enrollTotp(h, 'ana');
      const key = new SoftAuthenticator();
      const options = (await h.tf.webauthn.beginRegistration('ana', SITE)).options;
      expect(
        await h.tf.webauthn.finishRegistration('ana', key.create(options, 'https://evil.test'), {
          label: 'k',
        }),
      ).toMatchObject({
        ok: false,
        reason: 'invalid-code',
        attemptsLeft: 4,
      });
      const response = key.create(options, ORIGIN);
      const done = await h.tf.webauthn.finishRegistration('ana', response, { label: 'k' });
      // Not the first factor: no new backup codes.
      expect(done).toMatchObject({ ok: true });
      expect(done.ok && done.backupCodes).toBeUndefined();
      expect(await h.tf.webauthn.finishRegistration('ana', response, { label: 'k' })).toEqual({
        ok: false,
        reason: 'no-pending-setup',
      });
      const late = (await h.tf.webauthn.beginRegistration('ana', SITE)).options;
      h.clock.advance(5 * MINUTE);
      expect(
        await h.tf.webauthn.finishRegistration('ana', key.create(late, ORIGIN), { label: 'k2' }),
      ).toEqual({ ok: false, reason: 'expired' });
      expect(await h.tf.webauthn.list('ana')).toHaveLength(1);
      await expect(
        h.tf.webauthn.beginRegistration('ana', { ...SITE, origin: 'https://evil.test' }),
      ).rejects.toMatchObject({
        code: 'INVALID_INPUT',
      });
      // The key the user has is excluded from the next registration.
      const next = (await h.tf.webauthn.beginRegistration('ana', SITE)).options;
      expect(next.excludeCredentials).toEqual([{ id: response.id, type: 'public-key', transports: ['usb'] }]);
    });

    it('counts everywhere: step-up accepts it, the required policy is met, rename, remove, admin reset', async () => {
      const h = makeTwoFactor(await target.make());
      await h.tf.policy.set({ required: true });
      const { key } = await register(h, 'ana');
      h.clock.advance(1000);
      const second = await register(h, 'ana', new SoftAuthenticator(), 'Backup key');
      const stepUp = await challengeWithKey(h, 'ana', true);
      expect(
        await h.tf.login.verifyWebauthn(stepUp.challengeId, key.get(stepUp.options, ORIGIN)),
      ).toMatchObject({
        ok: true,
        purpose: 'step-up',
      });
      const [first] = await h.tf.webauthn.list('ana');
      expect(await h.tf.webauthn.rename('ana', first!.id, 'Work key')).toEqual({ ok: true });
      expect(await h.tf.webauthn.rename('ana', 'bm9uZQ', 'x')).toEqual({ ok: false, reason: 'unknown-key' });
      expect((await h.tf.webauthn.list('ana')).map((k) => k.label)).toEqual(['Work key', 'Backup key']);

      expect(await h.tf.webauthn.remove('ana', first!.id)).toEqual({ ok: true });
      expect((await h.tf.status('ana')).securityKeys).toBe(1);
      const request = await challengeWithKey(h, 'ana');
      expect(() => key.get(request.options, ORIGIN)).toThrow(/no credential/);
      expect(await h.tf.webauthn.remove('ana', second.result.ok ? second.result.key.id : '')).toEqual({
        ok: true,
      });
      // The last key: the method is off, the backup codes went with it, the required policy asks for setup.
      expect(await h.tf.status('ana')).toEqual({
        enabled: false,
        totp: false,
        email: null,
        securityKeys: 0,
        backupCodesRemaining: 0,
      });
      expect(await h.tf.login.start('ana')).toEqual({ status: 'setup-required' });
      expect(h.events.map((e) => e.type)).toContain('webauthn.disabled');

      await register(h, 'ben');
      await h.tf.admin.reset({ id: 'admin', roles: ['admin'] }, 'ben');
      expect(await h.tf.webauthn.list('ben')).toEqual([]);
      expect((await h.tf.status('ben')).enabled).toBe(false);
    });

    it('removing a lost key (not the last) ends the sessions and trusted browsers it may have opened', async () => {
      const h = makeTwoFactor(await target.make(), { policy: { frequency: { trustDays: 14 } } });
      const { key } = await register(h, 'ana');
      h.clock.advance(1000);
      const spare = await register(h, 'ana', new SoftAuthenticator(), 'Spare');
      // Whoever holds the spare signs in with it, trusts the browser, and has a session.
      const login = await challengeWithKey(h, 'ana');
      const signedIn = await h.tf.login.verifyWebauthn(
        login.challengeId,
        spare.key.get(login.options, ORIGIN),
        {
          rememberDevice: true,
        },
      );
      const deviceToken = signedIn.ok ? signedIn.deviceToken! : '';
      expect((await h.tf.login.start('ana', { deviceToken })).status).toBe('trusted-device');
      const thief = await h.tf.sessions.open('ana');
      const owner = await h.tf.sessions.open('ana');

      const spareId = spare.result.ok ? spare.result.key.id : '';
      expect(await h.tf.webauthn.remove('ana', spareId)).toEqual({ ok: true });
      expect(await h.tf.sessions.isOpen('ana', thief)).toBe(false);
      expect((await h.tf.login.start('ana', { deviceToken })).status).toBe('challenge');
      // The owner's own session is renewed by the caller; the remaining key still signs in.
      expect(await h.tf.sessions.isOpen('ana', owner)).toBe(false);
      const again = await challengeWithKey(h, 'ana');
      expect(
        await h.tf.login.verifyWebauthn(again.challengeId, key.get(again.options, ORIGIN)),
      ).toMatchObject({
        ok: true,
      });
    });

    it('refuses credential ids outside 1 to 1023 bytes, or other than the response names, and more than 10 keys', async () => {
      const h = makeTwoFactor(await target.make());
      const tooLong = new SoftAuthenticator();
      tooLong.credentialIdBytes = 1024;
      const options = (await h.tf.webauthn.beginRegistration('ana', SITE)).options;
      expect(
        await h.tf.webauthn.finishRegistration('ana', tooLong.create(options, ORIGIN), { label: 'x' }),
      ).toMatchObject({ ok: false, reason: 'invalid-code' });
      const swapped = new SoftAuthenticator();
      swapped.authDataIdOverride = Buffer.alloc(0);
      const retry = (await h.tf.webauthn.beginRegistration('ana', SITE)).options;
      expect(
        await h.tf.webauthn.finishRegistration('ana', swapped.create(retry, ORIGIN), { label: 'x' }),
      ).toMatchObject({ ok: false, reason: 'invalid-code' });
      expect(await h.tf.webauthn.list('ana')).toEqual([]);

      const longest = new SoftAuthenticator();
      longest.credentialIdBytes = 1023;
      await register(h, 'ben', longest);
      for (let i = 1; i < 10; i++) await register(h, 'ben');
      const eleventh = (await h.tf.webauthn.beginRegistration('ben', SITE)).options;
      expect(
        await h.tf.webauthn.finishRegistration('ben', new SoftAuthenticator().create(eleventh, ORIGIN), {
          label: 'one too many',
        }),
      ).toEqual({ ok: false, reason: 'too-many-keys', maxKeys: 10 });
      const keys = await h.tf.webauthn.list('ben');
      expect(keys).toHaveLength(10);
      // The longest id can still be addressed and removed.
      expect(await h.tf.webauthn.remove('ben', keys[0]!.id)).toEqual({ ok: true });
    });

    it('requires user verification when configured: a key that only shows presence is refused', async () => {
      const h = makeTwoFactor(await target.make(), { webauthn: { userVerification: 'required' } });
      const key = new SoftAuthenticator();
      key.userVerified = false;
      const options = (await h.tf.webauthn.beginRegistration('ana', SITE)).options;
      expect(options.authenticatorSelection?.userVerification).toBe('required');
      expect(
        await h.tf.webauthn.finishRegistration('ana', key.create(options, ORIGIN), { label: 'k' }),
      ).toMatchObject({
        ok: false,
        reason: 'invalid-code',
      });
    });

    it("takes the site from createTwoFactor's webauthn option, names unnamed keys, and says when the ceremony ends", async () => {
      const { rpId, rpName, origin } = SITE;
      const h = makeTwoFactor(await target.make(), { webauthn: { rpId, rpName, origin } });
      const started = await h.tf.webauthn.beginRegistration('ana', { userName: 'ana@example.com' });
      expect(started.expiresAt).toBe(h.clock.now() + 5 * MINUTE);
      expect(started.options.rp).toEqual({ id: rpId, name: rpName });
      const key = new SoftAuthenticator();
      expect(
        await h.tf.webauthn.finishRegistration('ana', key.create(started.options, ORIGIN)),
      ).toMatchObject({
        ok: true,
        key: { label: 'Security key' },
      });
      // The call's site wins over the default: a key made on another origin of the site is refused.
      const other = await h.tf.webauthn.beginRegistration('ana', {
        userName: 'ana@example.com',
        origin: 'https://admin.example.com',
      });
      expect(
        await h.tf.webauthn.finishRegistration('ana', new SoftAuthenticator().create(other.options, ORIGIN)),
      ).toMatchObject({ ok: false, reason: 'invalid-code' });
    });

    it('without a site in the call or the options, registration is a CONFIG error; a mismatched site is refused', async () => {
      const h = makeTwoFactor(await target.make());
      await expect(h.tf.webauthn.beginRegistration('ana', { userName: 'ana' })).rejects.toMatchObject({
        code: 'CONFIG',
      });
      await expect(
        h.tf.webauthn.beginRegistration('ana', { ...SITE, origin: 'https://cx.example.org' }),
      ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      expect(() =>
        makeTwoFactor(new MemoryStore(), {
          webauthn: { rpId: 'example.com', origin: 'https://example.org' },
        }),
      ).toThrow(expect.objectContaining({ code: 'CONFIG' }));
    });

    it('a label with a control character (a NUL, a newline) is bad input, at registration and rename: nothing stored', async () => {
      const h = makeTwoFactor(await target.make());
      const { options } = await h.tf.webauthn.beginRegistration('ana', SITE);
      const response = new SoftAuthenticator().create(options, ORIGIN);
      for (const label of ['a\u0000b', 'two\nlines'])
        await expect(h.tf.webauthn.finishRegistration('ana', response, { label })).rejects.toMatchObject({
          code: 'INVALID_INPUT',
          field: 'options.label',
        });
      expect(await h.tf.webauthn.list('ana')).toEqual([]);
      await register(h, 'ana');
      const [key] = await h.tf.webauthn.list('ana');
      await expect(h.tf.webauthn.rename('ana', key!.id, 'x\u0000')).rejects.toMatchObject({
        code: 'INVALID_INPUT',
      });
      expect((await h.tf.webauthn.list('ana'))[0]?.label).toBe('YubiKey');
    });

    it('passkeys: residentKey required asks for a discoverable credential, which then signs in', async () => {
      const h = makeTwoFactor(await target.make(), { webauthn: { residentKey: 'required' } });
      const { options } = await h.tf.webauthn.beginRegistration('ana', SITE);
      expect(options.authenticatorSelection).toMatchObject({
        residentKey: 'required',
        requireResidentKey: true,
      });
      const key = new SoftAuthenticator();
      expect(await h.tf.webauthn.finishRegistration('ana', key.create(options, ORIGIN))).toMatchObject({
        ok: true,
      });
      const challenge = await challengeWithKey(h, 'ana');
      expect(
        await h.tf.login.verifyWebauthn(challenge.challengeId, key.get(challenge.options, ORIGIN)),
      ).toMatchObject({
        ok: true,
        method: 'webauthn',
      });
    });

    it('attestation direct asks for a statement, and still takes a key that sends none', async () => {
      const h = makeTwoFactor(await target.make(), { webauthn: { attestation: 'direct' } });
      const { options } = await h.tf.webauthn.beginRegistration('ana', SITE);
      expect(options.attestation).toBe('direct');
      expect(
        await h.tf.webauthn.finishRegistration('ana', new SoftAuthenticator().create(options, ORIGIN)),
      ).toMatchObject({ ok: true });
    });

    it('a fresh ceremony for an open challenge; the old one is void', async () => {
      const h = makeTwoFactor(await target.make());
      const { key } = await register(h, 'ana');
      const { challengeId, options } = await challengeWithKey(h, 'ana');
      h.clock.advance(6 * MINUTE);
      // The first ceremony lasted five minutes.
      expect(await h.tf.login.verifyWebauthn(challengeId, key.get(options, ORIGIN))).toMatchObject({
        ok: false,
        reason: 'invalid-code',
      });
      const renewed = await h.tf.login.webauthnOptions(challengeId);
      if (!renewed.ok) throw new Error(renewed.reason);
      expect(renewed.options.challenge).not.toBe(options.challenge);
      expect(await h.tf.login.verifyWebauthn(challengeId, key.get(renewed.options, ORIGIN))).toMatchObject({
        ok: true,
      });
      expect(await h.tf.login.webauthnOptions(challengeId)).toEqual({ ok: false, reason: 'challenge-ended' });
      expect(await h.tf.login.webauthnOptions('nope')).toEqual({ ok: false, reason: 'unknown-challenge' });
      const stored = await (await target.make()).get(storeKeys.webauthn('ana'), h.clock.now());
      expect(stored).toBeNull();
    });
  });
}
