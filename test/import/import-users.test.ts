import { describe, expect, it } from 'vitest';
import { fromBase32 } from '../../src/core/otp/base32.js';
import type { ImportResult } from '../../src/import/import-user.js';
import { importUser } from '../../src/import/import-user.js';
import { importPrepared, importUsers, prepareUsers } from '../../src/import/import-users.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { countedStore } from '../helpers/counted-store.js';
import { enrollTotp, makeTwoFactor } from '../helpers/harness.js';
import { storesUnderTest } from '../helpers/stores.js';
import { appCode, signInWith } from './support.js';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const OTHER = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

const value = (settled: PromiseSettledResult<ImportResult> | undefined) =>
  settled?.status === 'fulfilled' ? settled.value : settled?.reason;

for (const target of storesUnderTest()) {
  describe.skipIf(target.skip)(`importUsers (${target.name})`, () => {
    it('writes a batch of new users in one store call; a user refused or enrolled is decided alone and undoes no other', async () => {
      const { store, calls } = countedStore(await target.make());
      const h = makeTwoFactor(store);
      const own = await enrollTotp(h, 'bo'); // enrolled in factorkit already: skipped
      await importUser(h.tf, { userId: 'cy', totp: { secret: SECRET } }); // imported before: unchanged
      await h.tf.totp.beginSetup('di', { accountName: 'di@example.com' }); // a pending setup: ended
      await h.tf.notices.settled();
      for (const key of Object.keys(calls)) delete calls[key];
      const results = await importUsers(h.tf, [
        { userId: 'al', totp: { secret: SECRET }, backupCodes: ['AbCd1-EfGh2'] },
        { userId: 'bo', totp: { secret: OTHER } },
        { userId: 'cy', totp: { secret: SECRET } },
        { userId: 'di', totp: { secret: OTHER } },
        { userId: 'ed', totp: { secret: 'too-short' } },
        ...Array.from({ length: 20 }, (_, i) => ({ userId: `u${i}`, totp: { secret: SECRET } })),
      ]);
      expect(results.map((r) => value(r)?.outcome ?? r.status)).toEqual([
        'imported',
        'skipped',
        'unchanged',
        'imported',
        'rejected',
        ...Array.from({ length: 20 }, () => 'imported'),
      ]);
      expect(value(results[4])).toMatchObject({ code: 'INVALID_INPUT', field: 'totp.secret' });
      // One call for the batch; only the two enrolled users were read and decided alone.
      expect(calls['commitEach']).toBe(1);
      expect(calls['commit'] ?? 0).toBe(0);
      expect((await signInWith(h, 'al', appCode(h, SECRET))).ok).toBe(true);
      expect((await signInWith(h, 'u19', appCode(h, SECRET))).ok).toBe(true);
      expect((await signInWith(h, 'di', appCode(h, OTHER))).ok).toBe(true);
      expect((await h.tf.totp.confirmSetup('di', appCode(h, OTHER))).ok).toBe(false);
      // Bo keeps his own app; Ed is untouched.
      expect((await signInWith(h, 'bo', h.totp.generateCode(own.secret, h.clock.now()))).ok).toBe(true);
      expect((await h.tf.status('ed')).enabled).toBe(false);
      expect(h.events.filter((e) => e.type === 'import.user').map((e) => e.userId)).toHaveLength(23);
    });

    it('without commitEach (a store of your own), commits each user on its own, all at once', async () => {
      const { store, calls } = countedStore(await target.make(), 'commitEach');
      const h = makeTwoFactor(store);
      await enrollTotp(h, 'bo');
      await h.tf.notices.settled(); // the method-added notice's own commit is not the import's
      for (const key of Object.keys(calls)) delete calls[key];
      const results = await importUsers(h.tf, [
        { userId: 'al', totp: { secret: SECRET } },
        { userId: 'bo', totp: { secret: OTHER }, backupCodes: ['AbCd1-EfGh2'] },
      ]);
      expect(results.map((r) => value(r)?.outcome)).toEqual(['imported', 'skipped']);
      expect(calls['commit']).toBe(2);
      expect((await signInWith(h, 'al', appCode(h, SECRET))).ok).toBe(true);
      expect((await h.tf.status('bo')).backupCodesRemaining).toBe(10);
    });

    it("users prepared by another facade with the same keys (a worker thread's), cloned as a message is, import as importUsers imports them; nothing prepared holds a secret in clear", async () => {
      const h = makeTwoFactor(await target.make());
      await enrollTotp(h, 'bo');
      await importUser(h.tf, { userId: 'cy', totp: { secret: SECRET } });
      const inputs = [
        { userId: 'al', totp: { secret: SECRET }, backupCodes: ['AbCd1-EfGh2'] },
        { userId: 'bo', totp: { secret: OTHER } },
        { userId: 'cy', totp: { secret: SECRET } },
        { userId: 'ed', totp: { secret: 'too-short' } },
      ];
      const prepared = structuredClone(await prepareUsers(makeTwoFactor(new MemoryStore()).tf, inputs));
      const posted = JSON.stringify(prepared);
      for (const secret of [SECRET, OTHER, 'AbCd1-EfGh2', 'AbCd1EfGh2', 'abcd1efgh2'])
        expect(posted.toLowerCase()).not.toContain(secret.toLowerCase());
      for (const bytes of [fromBase32(SECRET)!, fromBase32(OTHER)!])
        for (const encoding of ['hex', 'base64', 'base64url'] as const)
          expect(posted).not.toContain(Buffer.from(bytes).toString(encoding).replace(/=+$/, ''));
      const results = await importPrepared(h.tf, inputs, prepared);
      // Cy's import is recognised: the fingerprint is checked on this side, from the input.
      expect(results.map((r) => value(r)?.outcome ?? r.status)).toEqual([
        'imported',
        'skipped',
        'unchanged',
        'rejected',
      ]);
      const [inThread] = await importUsers(h.tf, [inputs[3]!]);
      expect(value(results[3])).toMatchObject({ code: 'INVALID_INPUT', field: 'totp.secret' });
      expect(value(results[3]).message).toBe(value(inThread).message);
      expect((await signInWith(h, 'al', appCode(h, SECRET))).ok).toBe(true);
      expect((await signInWith(h, 'al', 'AbCd1-EfGh2')).ok).toBe(true);
      expect(h.events.filter((e) => e.type === 'import.user').map((e) => e.userId)).toEqual(['cy', 'al']);
      await expect(importPrepared(h.tf, inputs.slice(1), prepared)).rejects.toMatchObject({ code: 'BUG' });
    });

    it('a dry run writes nothing and says what each would be', async () => {
      const h = makeTwoFactor(await target.make());
      await enrollTotp(h, 'bo');
      const results = await importUsers(
        h.tf,
        [
          { userId: 'al', totp: { secret: SECRET } },
          { userId: 'bo', totp: { secret: OTHER } },
        ],
        { dryRun: true },
      );
      expect(results.map((r) => value(r))).toMatchObject([
        { outcome: 'imported', dryRun: true },
        { outcome: 'skipped', dryRun: true },
      ]);
      expect((await h.tf.status('al')).enabled).toBe(false);
    });
  });
}

describe('importUsers with something other than an array', () => {
  // Fails before: a plain TypeError (`inputs.map is not a function`) escaped, not a typed error.
  it('is refused as INVALID_INPUT naming users, by each bulk call', async () => {
    const h = makeTwoFactor(new MemoryStore());
    for (const users of ['x', { userId: 'al' }, null, 7]) {
      const refused = { code: 'INVALID_INPUT', field: 'users' };
      await expect(importUsers(h.tf, users as never)).rejects.toMatchObject(refused);
      await expect(prepareUsers(h.tf, users as never)).rejects.toMatchObject(refused);
      await expect(importPrepared(h.tf, users as never, [])).rejects.toMatchObject(refused);
    }
  });
});
