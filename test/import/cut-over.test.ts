import { describe, expect, it } from 'vitest';
import { importUser } from '../../src/import/import-user.js';
import { importUsers } from '../../src/import/import-users.js';
import { storeKeys } from '../../src/store/keys.js';
import type { Store } from '../../src/store/store.js';
import { enrollTotp, makeTwoFactor } from '../helpers/harness.js';
import { storesUnderTest } from '../helpers/stores.js';
import { appCode, beforeEachReRunCommit, signInWith } from './support.js';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const OTHER = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const CODES = ['AbCd1-EfGh2', 'ZyXw9-VuTs8', 'Qrst5-Uvwx6'];
const PERIOD_MS = 30_000;

const userRecord = async (store: Store, userId: string) =>
  (await store.get(storeKeys.user(userId), Date.now()))?.fields ?? {};

/** The user as a factorkit before `importedState` left them: neither it nor `enrolledAt` (never stamped then). */
const asOlderImportLeft = (store: Store, userId: string) =>
  store.commit(
    [{ type: 'merge', key: storeKeys.user(userId), fields: {}, unset: ['importedState', 'enrolledAt'] }],
    Date.now(),
  );

/**
 * `store`, except that before each import commit guarded by the user's record as read, a sign-in
 * moves the user's replay floor (at that very moment, every time).
 */
function alwaysBusy(store: Store): Store {
  let n = 0;
  return beforeEachReRunCommit(store, (object, key, now) =>
    object.commit([{ type: 'merge', key, fields: { totpStep: String(++n) } }], now),
  );
}

for (const target of storesUnderTest()) {
  describe.skipIf(target.skip)(`re-running an import at the cut-over (${target.name})`, () => {
    it('round 2, finding 2 for imports: an import that turns 2FA on ends the sessions signed in with the password alone and stamps enrolledAt, as a native enable does', async () => {
      const store = await target.make();
      const h = makeTwoFactor(store);
      const sessions = {
        ana: await h.tf.sessions.open('ana'),
        ben: await h.tf.sessions.open('ben'),
        cy: await h.tf.sessions.open('cy'),
      };
      h.clock.advance(1000);
      expect(await importUser(h.tf, { userId: 'ana', totp: { secret: SECRET } })).toMatchObject({
        outcome: 'imported',
      });
      expect(await importUsers(h.tf, [{ userId: 'cy', email: 'cy@example.com' }])).toMatchObject([
        { status: 'fulfilled', value: { outcome: 'imported' } },
      ]);
      await enrollTotp(h, 'ben');
      for (const userId of ['ana', 'ben', 'cy'] as const) {
        expect(await h.tf.sessions.isOpen(userId, sessions[userId])).toBe(false);
        expect(Number((await userRecord(store, userId))['enrolledAt'])).toBeGreaterThan(0);
      }
      // A session opened after the import (signed in with the second factor) is not touched.
      const after = await h.tf.sessions.open('ana');
      expect(await importUser(h.tf, { userId: 'ana', totp: { secret: SECRET } })).toMatchObject({
        outcome: 'unchanged',
      });
      expect(await h.tf.sessions.isOpen('ana', after)).toBe(true);
    });

    it("updates a user still as imported to the source's current data: a code used in the old system fails, the moved floor holds, their sessions stay; the same source again is unchanged", async () => {
      const h = makeTwoFactor(await target.make());
      const stepNow = () => Math.floor(h.clock.now() / PERIOD_MS);
      expect(
        await importUser(h.tf, {
          userId: 'ana',
          totp: { secret: SECRET, lastUsedStep: stepNow() - 10 },
          backupCodes: CODES,
        }),
      ).toMatchObject({ outcome: 'imported' });
      const session = await h.tf.sessions.open('ana');
      // Meanwhile in the old system: a sign-in with the app (last_t moves) and a backup code used.
      const later = {
        userId: 'ana',
        totp: { secret: SECRET, lastUsedStep: stepNow() },
        backupCodes: CODES.slice(1),
      };
      const result = await importUser(h.tf, later);
      expect(result).toEqual({
        userId: 'ana',
        outcome: 'imported',
        updated: true,
        methods: ['totp', 'backup-code'],
        dryRun: false,
      });
      expect(h.events.filter((e) => e.type === 'import.user').at(-1)).toMatchObject({
        detail: { updated: true, replaced: false },
      });
      expect(await h.tf.sessions.isOpen('ana', session)).toBe(true);
      expect((await signInWith(h, 'ana', appCode(h, SECRET))).ok).toBe(false); // the step the old system took
      expect((await signInWith(h, 'ana', CODES[0]!)).ok).toBe(false);
      expect((await signInWith(h, 'ana', CODES[1]!)).ok).toBe(true);
      expect(await importUser(h.tf, later)).toMatchObject({ outcome: 'unchanged' });

      // A sign-in with the app in factorkit is no change: the next source still updates the user,
      // and the floor stays the higher of both (the code just used is not taken again).
      await importUser(h.tf, { userId: 'bo', totp: { secret: SECRET }, backupCodes: CODES });
      h.clock.advance(PERIOD_MS);
      const code = appCode(h, SECRET);
      expect((await signInWith(h, 'bo', code)).ok).toBe(true);
      const older = {
        userId: 'bo',
        totp: { secret: SECRET, lastUsedStep: stepNow() - 5 },
        backupCodes: CODES.slice(1),
      };
      expect(await importUser(h.tf, older)).toMatchObject({ outcome: 'imported', updated: true });
      expect((await signInWith(h, 'bo', code)).ok).toBe(false);
      expect((await signInWith(h, 'bo', CODES[0]!)).ok).toBe(false);
      h.clock.advance(PERIOD_MS);
      expect((await signInWith(h, 'bo', appCode(h, SECRET))).ok).toBe(true);
    });

    it('a user who changed anything in factorkit since the import is skipped as changed-in-factorkit, whatever the source; replace swaps it back, even from the same source', async () => {
      const h = makeTwoFactor(await target.make());
      const source = { userId: 'ben', totp: { secret: SECRET }, backupCodes: CODES };
      const changed = { ...source, backupCodes: CODES.slice(1) };
      await importUser(h.tf, source);
      h.clock.advance(PERIOD_MS);
      const native = await enrollTotp(h, 'ben'); // a new app, linked in factorkit
      for (const input of [source, changed])
        expect(await importUser(h.tf, input)).toMatchObject({
          outcome: 'skipped',
          reason: 'changed-in-factorkit',
        });
      expect((await signInWith(h, 'ben', h.totp.generateCode(native.secret, h.clock.now()))).ok).toBe(true);
      const session = await h.tf.sessions.open('ben');
      h.clock.advance(PERIOD_MS);
      expect(await importUser(h.tf, source, { replace: true })).toMatchObject({ outcome: 'replaced' });
      expect(await h.tf.sessions.isOpen('ben', session)).toBe(false);
      expect((await signInWith(h, 'ben', h.totp.generateCode(native.secret, h.clock.now()))).ok).toBe(false);
      expect((await signInWith(h, 'ben', appCode(h, SECRET))).ok).toBe(true);
      expect(await importUser(h.tf, source, { replace: true })).toMatchObject({ outcome: 'unchanged' });

      // New codes are a change; so is a backup code used in factorkit, for a source that changed since
      // (it cannot say which code factorkit took), but not for the same source (the code stays used).
      await importUser(h.tf, { userId: 'cy', totp: { secret: OTHER }, backupCodes: CODES });
      await h.tf.backupCodes.regenerate('cy');
      expect(
        await importUser(h.tf, { userId: 'cy', totp: { secret: OTHER }, backupCodes: CODES.slice(1) }),
      ).toMatchObject({
        outcome: 'skipped',
        reason: 'changed-in-factorkit',
      });
      await importUser(h.tf, { userId: 'di', totp: { secret: OTHER }, backupCodes: CODES });
      expect((await signInWith(h, 'di', CODES[2]!)).ok).toBe(true);
      expect(
        await importUser(h.tf, { userId: 'di', totp: { secret: OTHER }, backupCodes: CODES }),
      ).toMatchObject({
        outcome: 'unchanged',
      });
      expect(
        await importUser(h.tf, { userId: 'di', totp: { secret: OTHER }, backupCodes: CODES.slice(1) }),
      ).toMatchObject({
        outcome: 'skipped',
        reason: 'changed-in-factorkit',
      });
      expect((await signInWith(h, 'di', CODES[2]!)).ok).toBe(false);
      // A user who enrolled in factorkit alone is skipped for another reason.
      await enrollTotp(h, 'ed');
      expect(await importUser(h.tf, { userId: 'ed', totp: { secret: SECRET } })).toMatchObject({
        outcome: 'skipped',
        reason: 'already-enrolled',
      });
    });

    it('recognises a user imported before importedState existed: updated while they neither turned a factor on nor signed in since', async () => {
      const store = await target.make();
      const h = makeTwoFactor(store);
      for (const userId of ['fay', 'gus', 'hal'])
        await importUser(h.tf, { userId, totp: { secret: SECRET }, backupCodes: CODES });
      for (const userId of ['fay', 'gus', 'hal'])
        expect((await asOlderImportLeft(store, userId)).ok).toBe(true);
      h.clock.advance(PERIOD_MS);
      await enrollTotp(h, 'gus');
      expect((await signInWith(h, 'hal', CODES[0]!)).ok).toBe(true);
      const changed = (userId: string) => ({ userId, totp: { secret: SECRET }, backupCodes: CODES.slice(1) });
      expect(await importUser(h.tf, changed('fay'))).toMatchObject({ outcome: 'imported', updated: true });
      expect((await signInWith(h, 'fay', CODES[0]!)).ok).toBe(false);
      expect(await importUser(h.tf, changed('gus'))).toMatchObject({ reason: 'changed-in-factorkit' });
      expect(await importUser(h.tf, changed('hal'))).toMatchObject({ reason: 'changed-in-factorkit' });
      // The same source as before is still recognised as done.
      expect(
        await importUser(h.tf, { userId: 'hal', totp: { secret: SECRET }, backupCodes: CODES }),
      ).toMatchObject({
        outcome: 'unchanged',
      });
    });

    it('a re-run and a native enrolment at the same moment: one wins whole, never a mix', async () => {
      const h = makeTwoFactor(await target.make());
      const users = Array.from({ length: 8 }, (_, i) => `race${i}`);
      for (const userId of users)
        await importUser(h.tf, { userId, totp: { secret: SECRET }, backupCodes: CODES });
      h.clock.advance(PERIOD_MS);
      const setups = await Promise.all(
        users.map((userId) => h.tf.totp.beginSetup(userId, { accountName: `${userId}@example.com` })),
      );
      const raced = await Promise.all(
        users.map((userId, i) =>
          Promise.all([
            importUser(h.tf, { userId, totp: { secret: OTHER }, backupCodes: CODES.slice(1) }),
            h.tf.totp.confirmSetup(userId, h.totp.generateCode(setups[i]!.secret, h.clock.now())),
          ]),
        ),
      );
      h.clock.advance(PERIOD_MS);
      for (const [i, [imported, confirmed]] of raced.entries()) {
        const userId = users[i]!;
        const nativeCode = h.totp.generateCode(setups[i]!.secret, h.clock.now());
        if (imported.outcome === 'imported') {
          expect(imported).toMatchObject({ updated: true });
          expect(confirmed.ok).toBe(false);
          expect((await signInWith(h, userId, nativeCode)).ok).toBe(false);
          expect((await signInWith(h, userId, appCode(h, OTHER))).ok).toBe(true);
        } else {
          expect(imported).toMatchObject({ outcome: 'skipped', reason: 'changed-in-factorkit' });
          expect(confirmed.ok).toBe(true);
          expect((await signInWith(h, userId, appCode(h, OTHER))).ok).toBe(false);
          expect((await signInWith(h, userId, nativeCode)).ok).toBe(true);
        }
      }
    });

    it('a user whose record changes before every commit is reported kept-changing, not already-enrolled, and left as they were', async () => {
      const store = await target.make();
      const h = makeTwoFactor(store);
      await importUser(h.tf, { userId: 'ivy', totp: { secret: SECRET }, backupCodes: CODES });
      expect(await h.tf.status('ivy')).toMatchObject({ enabled: true });
      const busy = makeTwoFactor(alwaysBusy(store));
      busy.clock.set(h.clock.now());
      expect(
        await importUser(busy.tf, { userId: 'ivy', totp: { secret: OTHER }, backupCodes: CODES.slice(1) }),
      ).toMatchObject({ outcome: 'skipped', reason: 'kept-changing' });
      expect((await signInWith(h, 'ivy', appCode(h, SECRET))).ok).toBe(true);
    });
  });
}
