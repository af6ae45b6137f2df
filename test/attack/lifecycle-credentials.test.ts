/**
 * Issue 19 ("years in production"), item 12: credential ids are unique per user only, on every
 * store. A credential id is public (every login's options list it), so a client can register a key
 * of its own under another user's id; this pins that nothing of the first user's follows from it.
 */
import { describe, expect, it } from 'vitest';
import type { WebauthnRequestOptions } from '../../src/methods/webauthn/webauthn-json.js';
import { type Harness, MINUTE, makeTwoFactor, startChallenge } from '../helpers/harness.js';
import { SoftAuthenticator } from '../helpers/soft-authenticator.js';
import { storesUnderTest } from '../helpers/stores.js';

const ORIGIN = 'https://cx.example.com';
const SITE = { rpId: 'example.com', rpName: 'CloudFon CX', origin: ORIGIN };

async function register(h: Harness, userId: string, key: SoftAuthenticator) {
  const options = (await h.tf.webauthn.beginRegistration(userId, { ...SITE, userName: userId })).options;
  const result = await h.tf.webauthn.finishRegistration(userId, key.create(options, ORIGIN));
  if (!result.ok) throw new Error(JSON.stringify(result));
  return result.key.id;
}

async function signInWith(h: Harness, userId: string, key: SoftAuthenticator) {
  h.clock.advance(MINUTE);
  const start = await startChallenge(h, userId);
  const options = start.webauthnOptions as WebauthnRequestOptions;
  const held = key.held[0]!;
  return h.tf.login.verifyWebauthn(
    start.challengeId,
    key.sign(held, options.challenge, ORIGIN, options.rpId),
  );
}

for (const target of storesUnderTest()) {
  describe.skipIf(target.skip)(target.name, () => {
    it("years in production, item 12: a credential id is unique per user only: another user's key under the same id takes nothing of the first's", async () => {
      const h = makeTwoFactor(await target.make());
      const ana = new SoftAuthenticator();
      const id = await register(h, 'ana', ana);
      // Mallory's own key pair, claiming Ana's credential id: accepted, for Mallory.
      const mallory = new SoftAuthenticator();
      mallory.nextCredentialId = Buffer.from(id, 'base64url');
      expect(await register(h, 'mallory', mallory)).toBe(id);
      // Each key signs in its own user only; Mallory's never signs in Ana.
      expect(await signInWith(h, 'ana', ana)).toMatchObject({ ok: true, userId: 'ana', method: 'webauthn' });
      expect(await signInWith(h, 'mallory', mallory)).toMatchObject({ ok: true, userId: 'mallory' });
      expect(await signInWith(h, 'ana', mallory)).toMatchObject({ ok: false, reason: 'invalid-code' });
      // Removing Mallory's leaves Ana's.
      expect(await h.tf.webauthn.remove('mallory', id)).toEqual({ ok: true });
      expect((await h.tf.webauthn.list('ana')).map((key) => key.id)).toEqual([id]);
      expect(await signInWith(h, 'ana', ana)).toMatchObject({ ok: true, userId: 'ana' });
      // The events name the id with its user: only the pair is unique.
      const registered = h.events.filter((event) => event.type === 'webauthn.registered');
      expect(registered.map((event) => [event.userId, event.detail?.['credentialId']])).toEqual([
        ['ana', id],
        ['mallory', id],
      ]);
    });
  });
}
