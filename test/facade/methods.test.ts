import { describe, expect, it } from 'vitest';
import type { WebauthnRequestOptions } from '../../src/methods/webauthn/webauthn-json.js';
import {
  enrollEmail,
  enrollTotp,
  type Harness,
  MINUTE,
  makeTwoFactor,
  startChallenge,
} from '../helpers/harness.js';
import { SoftAuthenticator } from '../helpers/soft-authenticator.js';
import { storesUnderTest } from '../helpers/stores.js';

const ORIGIN = 'https://cx.example.com';
const SITE = { rpId: 'example.com', rpName: 'CloudFon CX', origin: ORIGIN, userName: 'ana@example.com' };

async function addKey(h: Harness, userId: string) {
  const key = new SoftAuthenticator();
  const options = (await h.tf.webauthn.beginRegistration(userId, SITE)).options;
  const added = await h.tf.webauthn.finishRegistration(userId, key.create(options, ORIGIN));
  if (!added.ok) throw new Error(JSON.stringify(added));
  return key;
}

/** What the registry decides for every method, without naming one: proofs, demands, turned-off methods. */
for (const target of storesUnderTest()) {
  describe.skipIf(target.skip)(`methods through the registry (${target.name})`, () => {
    it('login.verify takes a proof: a code as a string or { code }, a key as { method, response }', async () => {
      const h = makeTwoFactor(await target.make());
      const { secret } = await enrollTotp(h, 'ana');
      const key = await addKey(h, 'ana');
      h.clock.advance(MINUTE);
      const first = await startChallenge(h, 'ana');
      const code = h.totp.generateCode(secret, h.clock.now());
      expect(await h.tf.login.verify(first.challengeId, { code })).toMatchObject({
        ok: true,
        method: 'totp',
      });
      const second = await startChallenge(h, 'ana');
      const response = key.get(second.webauthnOptions as WebauthnRequestOptions, ORIGIN);
      expect(await h.tf.login.verify(second.challengeId, { method: 'webauthn', response })).toMatchObject({
        ok: true,
        method: 'webauthn',
      });
      // The deprecated alias still ends a challenge the same way.
      const third = await startChallenge(h, 'ana');
      const again = key.get(third.webauthnOptions as WebauthnRequestOptions, ORIGIN);
      expect(await h.tf.login.verifyWebauthn(third.challengeId, again)).toMatchObject({ ok: true });
    });

    it('a proof no method takes is INVALID_INPUT naming its field, before any store access', async () => {
      const h = makeTwoFactor(await target.make());
      await enrollTotp(h, 'ana');
      const { challengeId } = await startChallenge(h, 'ana');
      const bad: Array<[unknown, string]> = [
        [{ method: 'totp', response: {} }, 'proof.method'],
        [{ method: 'sms', response: '1' }, 'proof.method'],
        [{ method: 'webauthn', response: { id: 'x' } }, 'response.rawId'],
        [{ code: 42 }, 'code'],
        [null, 'proof'],
        [['123456'], 'proof'],
      ];
      for (const [proof, field] of bad) {
        await expect(h.tf.login.verify(challengeId, proof as string)).rejects.toMatchObject({
          code: 'INVALID_INPUT',
          field,
        });
      }
      // None of them counted as an attempt.
      expect(await h.tf.login.verify(challengeId, '000000')).toMatchObject({ attemptsLeft: 4 });
    });

    it('a challenge that demands phishing resistance offers and accepts security keys only', async () => {
      const h = makeTwoFactor(await target.make());
      const { secret, backupCodes } = await enrollTotp(h, 'ana');
      await enrollEmail(h, 'ana');
      const key = await addKey(h, 'ana');
      h.clock.advance(MINUTE);
      const strict = await h.tf.login.start('ana', { phishingResistant: true });
      if (strict.status !== 'challenge') throw new Error(strict.status);
      expect(strict.methods).toEqual(['webauthn']);
      // No code is sent for it, and no code (an app's, a backup code) ends it.
      expect(await h.tf.login.sendEmailCode(strict.challengeId)).toEqual({ ok: false, reason: 'no-email' });
      const totp = h.totp.generateCode(secret, h.clock.now());
      expect(await h.tf.login.verify(strict.challengeId, totp)).toMatchObject({
        ok: false,
        reason: 'invalid-code',
      });
      expect(await h.tf.login.verify(strict.challengeId, backupCodes[0]!)).toMatchObject({
        ok: false,
        reason: 'invalid-code',
      });
      const response = key.get(strict.webauthnOptions as WebauthnRequestOptions, ORIGIN);
      expect(await h.tf.login.verify(strict.challengeId, { method: 'webauthn', response })).toMatchObject({
        ok: true,
        method: 'webauthn',
      });
      // The same codes end an ordinary challenge.
      const ordinary = await startChallenge(h, 'ana');
      expect(ordinary.methods).toEqual(['webauthn', 'totp', 'email', 'backup-code']);
      expect(await h.tf.login.verify(ordinary.challengeId, totp)).toMatchObject({ ok: true, method: 'totp' });
    });

    it('a user whose factors none meets the demand still gets a challenge (never not-required)', async () => {
      const h = makeTwoFactor(await target.make());
      await enrollTotp(h, 'ana');
      const start = await h.tf.login.start('ana', { phishingResistant: true });
      expect(start).toMatchObject({ status: 'challenge', methods: [] });
    });
  });
}
