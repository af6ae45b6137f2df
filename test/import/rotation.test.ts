import bcrypt from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import type { TwoFactorOptions } from '../../src/app/create-two-factor.js';
import { Keyring } from '../../src/core/keyring.js';
import { importUser } from '../../src/import/import-user.js';
import type { ImportedUser } from '../../src/import/imported-user.js';
import { storeKeys } from '../../src/store/keys.js';
import type { Store } from '../../src/store/store.js';
import { type Harness, makeTwoFactor, testKey } from '../helpers/harness.js';
import { storesUnderTest } from '../helpers/stores.js';
import { appCode, foreignKey, ORIGIN, RP_ID, signInWith, signInWithKey } from './support.js';

const A = testKey('import rotation A');
const B = testKey('import rotation B');
const idOf = (key: string) => new Keyring(key).currentId;
const WEBAUTHN = { rpId: RP_ID, rpName: 'CloudFon CX', origin: ORIGIN };
const SHORT_SECRET = 'JBSWY3DPEHPK3PXP'; // 80 bits
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const PROFILE = { algorithm: 'SHA256', digits: 8 } as const;

/** An app of its own profile with an 80-bit key, and codes in another system's shape. */
const ivy: ImportedUser = {
  userId: 'ivy',
  totp: { secret: SHORT_SECRET, ...PROFILE },
  backupCodes: ['AbCd1-EfGh2', 'ZyXw9-VuTs8'],
};
/** Codes kept as bcrypt hashes with Devise's pepper. */
const jonCodes = ['0123abcd', '4567efgh'];
const jon: ImportedUser = {
  userId: 'jon',
  totp: { secret: SECRET },
  backupCodes: { bcrypt: jonCodes.map((code) => bcrypt.hashSync(`${code}pep`, 4)), pepper: 'pep' },
};

/** The same store, a facade with other keys, at the same instant. */
function withKeys(h: Harness, store: Store, keys: TwoFactorOptions['keys'], storage: string): Harness {
  const next = makeTwoFactor(store, {
    keys,
    webauthn: WEBAUTHN,
    policy: { backupCodes: { storage: storage as 'hashed' } },
  });
  next.clock.set(h.clock.now());
  return next;
}

/** The key ids of a user's `{tag}:user` and `{tag}:backup-codes` values, by field. */
async function keyIdsOf(h: Harness, store: Store, userId: string) {
  const now = h.clock.now();
  const [user, codes] = await store.getMany([storeKeys.user(userId), storeKeys.backupCodes(userId)], now);
  const ids = (fields: Record<string, string> = {}) =>
    Object.fromEntries(
      Object.entries(fields).flatMap(([name, value]) =>
        Keyring.keyIdOf(value) ? [[name, Keyring.keyIdOf(value)]] : [],
      ),
    );
  return { user: ids(user?.fields), codes: ids(codes?.fields), params: user?.fields['totpParams'] };
}

for (const target of storesUnderTest()) {
  for (const storage of ['hashed', 'viewable'] as const) {
    describe.skipIf(target.skip)(
      `imported users in a key rotation (${target.name}, codes ${storage})`,
      () => {
        it('rekey moves every value an import sealed; bcrypt hashes are counted apart; A goes and everyone signs in', async () => {
          const store = await target.make();
          const a = withKeys(makeTwoFactor(store, { keys: A }), store, A, storage);
          const kit = foreignKey(Buffer.from('kept-by-nobody').toString('base64url'));
          for (const user of [
            ivy,
            jon,
            { userId: 'kit', securityKeys: [{ ...kit.record, userHandle: null }] },
          ])
            expect(await importUser(a.tf, user)).toMatchObject({ outcome: 'imported' });

          const rotated = withKeys(a, store, { current: B, old: A }, storage);
          const before = await rotated.tf.keys.inventory();
          expect(before.keys.find((key) => key.keyId === idOf(A))).toMatchObject({
            status: 'older',
            kinds: { totp: 2, 'backup-codes': 1, 'backup-code-pepper': 1, 'import-fingerprint': 3 },
            // ivy's and jon's user and code records, kit's user record.
            lasting: 5,
          });
          expect(before.unkeyed).toEqual({ 'backup-codes-bcrypt': 1 });

          expect(await rotated.tf.keys.rekey()).toMatchObject({ complete: true, rewritten: 5 });
          const after = await rotated.tf.keys.inventory();
          expect(after.keys.find((key) => key.keyId === idOf(A))).toMatchObject({ records: 0, lasting: 0 });
          expect(after.unkeyed).toEqual({ 'backup-codes-bcrypt': 1 });
          // The imported app's own profile stays beside its secret, in clear: it is not a secret.
          expect(await keyIdsOf(rotated, store, 'ivy')).toMatchObject({
            user: { totp: idOf(B), imported: idOf(B) },
            params: 'SHA256/8/30/0',
          });

          const onlyB = withKeys(rotated, store, B, storage);
          onlyB.clock.advance(30_000);
          expect((await signInWith(onlyB, 'ivy', appCode(onlyB, SHORT_SECRET, PROFILE))).ok).toBe(true);
          expect((await signInWith(onlyB, 'ivy', 'ZyXw9 VuTs8')).ok).toBe(true);
          expect((await signInWith(onlyB, 'jon', appCode(onlyB, SECRET))).ok).toBe(true);
          expect((await signInWith(onlyB, 'jon', jonCodes[1]!)).ok).toBe(true);
          expect(await onlyB.tf.status('jon')).toMatchObject({ backupCodesRemaining: 1 });
          expect(await onlyB.tf.backupCodes.view('ivy')).toMatchObject({
            remaining: 1,
            codes: storage === 'viewable' ? ['AbCd1-EfGh2'] : null,
          });
          // Kept no handle: the first sign-in records the one the key shows, whatever key is current.
          expect((await signInWithKey(onlyB, 'kit', kit.authenticator)).ok).toBe(true);
          // The fingerprints moved too: importing the same users again changes nothing.
          expect(await importUser(onlyB.tf, ivy)).toMatchObject({ outcome: 'unchanged' });
          expect(await importUser(onlyB.tf, jon)).toMatchObject({ outcome: 'unchanged' });
        });

        it('a sign-in during the rotation seals what it read again under the new key, imported profile and pepper included', async () => {
          const store = await target.make();
          const a = withKeys(makeTwoFactor(store, { keys: A }), store, A, storage);
          for (const user of [ivy, jon]) await importUser(a.tf, user);
          const rotated = withKeys(a, store, { current: B, old: A }, storage);
          rotated.clock.advance(30_000);
          expect((await signInWith(rotated, 'ivy', appCode(rotated, SHORT_SECRET, PROFILE))).ok).toBe(true);
          expect((await signInWith(rotated, 'ivy', 'AbCd1-EfGh2')).ok).toBe(true);
          expect((await signInWith(rotated, 'jon', jonCodes[0]!)).ok).toBe(true);
          const ivyKeys = await keyIdsOf(rotated, store, 'ivy');
          expect(ivyKeys).toMatchObject({
            user: { totp: idOf(B), imported: idOf(B) },
            params: 'SHA256/8/30/0',
          });
          expect(new Set(Object.values(ivyKeys.codes))).toEqual(new Set([idOf(B)]));
          expect((await keyIdsOf(rotated, store, 'jon')).codes).toEqual({ pepper: idOf(B) });

          // A removed without a rekey: what the sign-ins moved still opens.
          const onlyB = withKeys(rotated, store, B, storage);
          onlyB.clock.advance(30_000);
          expect((await signInWith(onlyB, 'ivy', appCode(onlyB, SHORT_SECRET, PROFILE))).ok).toBe(true);
          expect((await signInWith(onlyB, 'ivy', 'ZyXw9-VuTs8')).ok).toBe(true);
          expect((await signInWith(onlyB, 'jon', jonCodes[1]!)).ok).toBe(true);
          expect(onlyB.events.filter((event) => event.type === 'secret.unreadable')).toEqual([]);
        });

        it('a bcrypt set whose pepper key is gone counts no codes and matches none, and the other methods still sign in', async () => {
          const store = await target.make();
          const a = withKeys(makeTwoFactor(store, { keys: A }), store, A, storage);
          await importUser(a.tf, jon);
          const onlyB = withKeys(a, store, B, storage);
          expect(await onlyB.tf.status('jon')).toMatchObject({ backupCodesRemaining: 0 });
          expect((await signInWith(onlyB, 'jon', jonCodes[0]!)).ok).toBe(false);
          expect((await onlyB.tf.keys.inventory()).keys.find((key) => key.keyId === idOf(A))).toMatchObject({
            status: 'missing',
            kinds: { totp: 1, 'backup-code-pepper': 1, 'import-fingerprint': 1 },
          });
          // Its app is under A too (not moved): only setting it up again brings it back.
          expect((await signInWith(onlyB, 'jon', appCode(onlyB, SECRET))).ok).toBe(false);
        });
      },
    );
  }
}
