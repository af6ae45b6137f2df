import bcrypt from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { FactorkitError } from '../../src/core/errors.js';
import { MemorySender } from '../../src/entries/index.js';
import { importUser } from '../../src/import/import-user.js';
import { importUsers } from '../../src/import/import-users.js';
import type { ImportedUser } from '../../src/import/imported-user.js';
import { readJsonl } from '../../src/import/readers/jsonl-reader.js';
import { enrollTotp, makeTwoFactor } from '../helpers/harness.js';
import { storesUnderTest } from '../helpers/stores.js';
import { appCode, foreignKey, ORIGIN, RP_ID, signInWith, signInWithKey } from './support.js';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'; // 160 bits
const SHORT_SECRET = 'JBSWY3DPEHPK3PXP'; // 80 bits, Google Authenticator's old default
const WEBAUTHN = { rpId: RP_ID, rpName: 'CloudFon CX', origin: ORIGIN };

for (const target of storesUnderTest()) {
  describe.skipIf(target.skip)(`importUser (${target.name})`, () => {
    it('imports an app, foreign backup codes and an email address: the user signs in with each, a code once', async () => {
      const h = makeTwoFactor(await target.make());
      const result = await importUser(h.tf, {
        userId: 'ana',
        totp: { secret: SECRET },
        backupCodes: ['AbCd1-EfGh2', 'ZyXw9-VuTs8'],
        email: 'Ana@Example.COM',
      });
      expect(result).toEqual({
        userId: 'ana',
        outcome: 'imported',
        methods: ['totp', 'email', 'backup-code'],
        dryRun: false,
      });
      expect(await h.tf.status('ana')).toEqual({
        enabled: true,
        totp: true,
        email: 'A***@example.com',
        securityKeys: 0,
        backupCodesRemaining: 2,
      });
      expect((await signInWith(h, 'ana', appCode(h, SECRET))).ok).toBe(true);
      // Case kept (the set mixes cases), spaces and dashes ignored.
      expect((await signInWith(h, 'ana', 'abcd1-efgh2')).ok).toBe(false);
      expect((await signInWith(h, 'ana', 'AbCd1EfGh2')).ok).toBe(true);
      expect((await signInWith(h, 'ana', 'AbCd1-EfGh2')).ok).toBe(false);
      expect((await h.tf.status('ana')).backupCodesRemaining).toBe(1);
      const event = h.events.find((e) => e.type === 'import.user');
      expect(event).toMatchObject({
        userId: 'ana',
        detail: { methods: 'totp,email,backup-code', replaced: false },
      });
      expect(JSON.stringify(h.events)).not.toContain(SECRET);
      expect(JSON.stringify(h.events)).not.toContain('ZyXw9');
    });

    it('is idempotent: the same import again changes nothing, and a code used since stays used', async () => {
      const h = makeTwoFactor(await target.make());
      const user = {
        userId: 'ben',
        totp: { secret: SECRET },
        backupCodes: ['k7pq-3mzx-9ahd-2wfr', 'a7pq-3mzx-9ahd-2wfr'],
      };
      expect((await importUser(h.tf, user)).outcome).toBe('imported');
      expect((await signInWith(h, 'ben', 'K7PQ 3MZX 9AHD 2WFR')).ok).toBe(true);
      expect(await importUser(h.tf, user)).toMatchObject({ outcome: 'unchanged' });
      expect((await h.tf.status('ben')).backupCodesRemaining).toBe(1);
      expect((await signInWith(h, 'ben', 'k7pq-3mzx-9ahd-2wfr')).ok).toBe(false);
      expect(h.events.filter((e) => e.type === 'import.user')).toHaveLength(1);
    });

    it('skips a user who enrolled in factorkit, unless told to replace: then atomically, sessions and browsers ending', async () => {
      const h = makeTwoFactor(await target.make());
      const native = await enrollTotp(h, 'cy');
      const imported = { userId: 'cy', totp: { secret: SECRET } };
      expect(await importUser(h.tf, imported)).toMatchObject({
        outcome: 'skipped',
        reason: 'already-enrolled',
      });
      expect(await importUser(h.tf, imported, { replace: true, dryRun: true })).toMatchObject({
        outcome: 'replaced',
        dryRun: true,
      });
      expect((await signInWith(h, 'cy', h.totp.generateCode(native.secret, h.clock.now()))).ok).toBe(true);
      h.clock.advance(30_000);
      expect(await importUser(h.tf, imported, { replace: true })).toMatchObject({ outcome: 'replaced' });
      expect(await h.tf.status('cy')).toMatchObject({ totp: true, backupCodesRemaining: 0 });
      expect((await signInWith(h, 'cy', native.backupCodes[0]!)).ok).toBe(false);
      expect((await signInWith(h, 'cy', appCode(h, SECRET))).ok).toBe(true);
      expect(await importUser(h.tf, imported, { replace: true })).toMatchObject({ outcome: 'unchanged' });
    });

    it('replacing a user turns off the methods an import does not carry (text messages): only the imported ones stay', async () => {
      const sender = new MemorySender();
      const h = makeTwoFactor(await target.make(), { phone: { sender } });
      await h.tf.phone.beginSetup('fay', '+442079460958');
      const texted = sender.lastTo('+442079460958')?.text.match(/\b(\d{6})\b/)?.[1] ?? '';
      expect((await h.tf.phone.confirmSetup('fay', texted)).ok).toBe(true);
      expect(
        await importUser(h.tf, { userId: 'fay', totp: { secret: SECRET } }, { replace: true }),
      ).toMatchObject({
        outcome: 'replaced',
      });
      expect(await h.tf.status('fay')).toMatchObject({ enabled: true, totp: true, phone: null });
      const start = await h.tf.login.start('fay');
      expect(start.status === 'challenge' && start.methods).not.toContain('phone');
    });

    it('imports a phone number (normalised) for text-message codes: offered and signed in with; CONFIG while the method is off, a country codes do not go to refused', async () => {
      const sender = new MemorySender();
      const h = makeTwoFactor(await target.make(), { phone: { sender, allowedPrefixes: ['+44'] } });
      expect(
        await importUser(h.tf, { userId: 'gus', phone: { number: '0044 20 7946 0958', enabledAt: 5 } }),
      ).toMatchObject({ outcome: 'imported', methods: ['phone'] });
      expect(await h.tf.status('gus')).toMatchObject({ enabled: true, phone: '+********0958' });
      const start = await h.tf.login.start('gus');
      if (start.status !== 'challenge') throw new Error(start.status);
      expect(start.methods).toContain('phone');
      expect(await h.tf.login.sendPhoneCode(start.challengeId)).toMatchObject({ ok: true });
      const texted = sender.lastTo('+442079460958')?.text.match(/\b(\d{6})\b/)?.[1] ?? '';
      expect((await h.tf.login.verify(start.challengeId, texted)).ok).toBe(true);

      await expect(importUser(h.tf, { userId: 'hal', phone: '+14155550123' })).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        field: 'phone',
      });
      const off = makeTwoFactor(await target.make());
      await expect(importUser(off.tf, { userId: 'hal', phone: '+442079460958' })).rejects.toMatchObject({
        code: 'CONFIG',
        field: 'options.phone',
      });
      expect(await off.tf.status('hal')).toMatchObject({ enabled: false });
    });

    it("keeps an app's own profile (SHA256, 8 digits, 60 s, an epoch) and an 80-bit key, with its replay floor", async () => {
      const h = makeTwoFactor(await target.make());
      const periodMs = 60_000;
      const epochSeconds = 1_000;
      const at = (ms: number) => ms - epochSeconds * 1000;
      const floor = Math.floor(at(h.clock.now()) / periodMs);
      await importUser(h.tf, {
        userId: 'dee',
        totp: {
          secret: SECRET,
          algorithm: 'SHA256',
          digits: 8,
          periodSeconds: 60,
          epochSeconds,
          lastUsedStep: floor,
        },
      });
      const profile = { algorithm: 'SHA256', digits: 8, period: 60 };
      // The code of the step last used before the cut-over is a replay.
      expect(
        (await signInWith(h, 'dee', appCode(h, SECRET, { ...profile, atMs: at(h.clock.now()) }))).ok,
      ).toBe(false);
      h.clock.advance(periodMs);
      expect(
        (await signInWith(h, 'dee', appCode(h, SECRET, { ...profile, atMs: at(h.clock.now()) }))).ok,
      ).toBe(true);

      await importUser(h.tf, { userId: 'eve', totp: { secret: SHORT_SECRET } });
      expect((await signInWith(h, 'eve', appCode(h, SHORT_SECRET))).ok).toBe(true);
      // Linking a new app natively replaces the imported profile and its floor.
      const setup = await h.tf.totp.beginSetup('dee', { accountName: 'dee' });
      h.clock.advance(30_000);
      expect((await h.tf.totp.confirmSetup('dee', h.totp.generateCode(setup.secret, h.clock.now()))).ok).toBe(
        true,
      );
      h.clock.advance(30_000);
      expect((await signInWith(h, 'dee', h.totp.generateCode(setup.secret, h.clock.now()))).ok).toBe(true);
    });

    it('takes the algorithm in any case, from importUser and from a generic JSONL line (sha256 as otpauth URIs write it)', async () => {
      const h = makeTwoFactor(await target.make());
      const line = JSON.stringify({
        userId: 'kay',
        totp: { secret: SECRET, algorithm: 'sha256', digits: 8 },
      });
      const users: unknown[] = [];
      const chunks = (async function* () {
        yield `${line}\n`;
      })();
      for await (const record of readJsonl(chunks)) if ('user' in record) users.push(record.user);
      expect(await importUsers(h.tf, users as ImportedUser[])).toMatchObject([
        { status: 'fulfilled', value: { outcome: 'imported' } },
      ]);
      expect(
        await importUser(h.tf, { userId: 'lou', totp: { secret: SECRET, algorithm: 'Sha512' } }),
      ).toMatchObject({
        outcome: 'imported',
      });
      expect((await signInWith(h, 'kay', appCode(h, SECRET, { algorithm: 'SHA256', digits: 8 }))).ok).toBe(
        true,
      );
      expect((await signInWith(h, 'lou', appCode(h, SECRET, { algorithm: 'SHA512' }))).ok).toBe(true);
      // The same import in upper case is the same import.
      expect(
        await importUser(h.tf, { userId: 'kay', totp: { secret: SECRET, algorithm: 'SHA256', digits: 8 } }),
      ).toMatchObject({ outcome: 'unchanged' });
    });

    it('checks bcrypt-hashed codes (with a pepper, as Devise keeps them) at use, once each', async () => {
      const h = makeTwoFactor(await target.make());
      const codes = ['3f9a1c7e5b2d4a6f', '0b8e2d4f6a1c3e5d'];
      const hashes = codes.map((code) => bcrypt.hashSync(`${code}pepper!`, 4));
      await importUser(h.tf, {
        userId: 'fay',
        totp: { secret: SECRET },
        backupCodes: { bcrypt: hashes, pepper: 'pepper!' },
      });
      expect((await h.tf.status('fay')).backupCodesRemaining).toBe(2);
      expect((await h.tf.backupCodes.view('fay')).codes).toBeNull();
      expect((await signInWith(h, 'fay', 'ffffffffffffffff')).ok).toBe(false);
      expect((await signInWith(h, 'fay', codes[1]!)).ok).toBe(true);
      expect((await signInWith(h, 'fay', codes[1]!)).ok).toBe(false);
      expect((await h.tf.status('fay')).backupCodesRemaining).toBe(1);
    });

    it('imports a security key with the user handle the old system gave it; it signs in, a wrong handle does not', async () => {
      const h = makeTwoFactor(await target.make(), { webauthn: WEBAUTHN });
      const { authenticator, record } = foreignKey(Buffer.from('old-app-user-17').toString('base64url'));
      expect(await importUser(h.tf, { userId: 'gus', securityKeys: [record] })).toMatchObject({
        outcome: 'imported',
      });
      expect(await h.tf.webauthn.list('gus')).toMatchObject([{ id: record.id, label: 'Old YubiKey' }]);
      expect((await signInWithKey(h, 'gus', authenticator)).ok).toBe(true);
      authenticator.held[0]!.userHandle = Buffer.from('someone-else').toString('base64url');
      expect((await signInWithKey(h, 'gus', authenticator)).ok).toBe(false);
      // A system that kept no handle (better-auth's passkeys): the first verified sign-in records the
      // handle the key shows (the signature proves the key); later sign-ins must show the same.
      const unknown = foreignKey(Buffer.from('random-per-registration').toString('base64url'));
      await importUser(h.tf, { userId: 'hal', securityKeys: [{ ...unknown.record, userHandle: null }] });
      expect((await signInWithKey(h, 'hal', unknown.authenticator)).ok).toBe(true);
      expect((await signInWithKey(h, 'hal', unknown.authenticator)).ok).toBe(true);
      unknown.authenticator.held[0]!.userHandle = Buffer.from('someone-else').toString('base64url');
      expect((await signInWithKey(h, 'hal', unknown.authenticator)).ok).toBe(false);
    });

    it('writes a user fully or not at all: a bad second key leaves the user untouched', async () => {
      const h = makeTwoFactor(await target.make(), { webauthn: WEBAUTHN });
      const { record } = foreignKey('aGFuZGxl');
      const bad = { ...record, id: 'b3RoZXI', publicKey: Buffer.from([0xa1, 0x01, 0x02]).toString('base64') };
      const error = await importUser(h.tf, {
        userId: 'ida',
        totp: { secret: SECRET },
        securityKeys: [record, bad],
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FactorkitError);
      expect(error).toMatchObject({ code: 'INVALID_INPUT', field: 'securityKeys.1.publicKey' });
      expect((await h.tf.status('ida')).enabled).toBe(false);
    });

    it('sends no notice: importing, updating and replacing users emails nobody ("a method was added" is for a change the user made)', async () => {
      const h = makeTwoFactor(await target.make());
      const users = ['nia', 'oli'].map((userId) => ({
        userId,
        totp: { secret: SECRET },
        backupCodes: ['AbCd1-EfGh2'],
        email: `${userId}@example.com`,
      }));
      expect(await importUsers(h.tf, users)).toMatchObject([{ value: { outcome: 'imported' } }, {}]);
      expect(await importUser(h.tf, { ...users[0]!, backupCodes: ['ZyXw9-VuTs8'] })).toMatchObject({
        updated: true,
      });
      await enrollTotp(h, 'pat');
      expect(await importUser(h.tf, { ...users[1]!, userId: 'pat' }, { replace: true })).toMatchObject({
        outcome: 'replaced',
      });
      await h.tf.notices.settled();
      // Enrolling in factorkit is told, as always (pat has no address: the notice says so).
      const notices = h.events.filter((e) => e.type.startsWith('notice.'));
      expect(notices.map((e) => [e.userId, e.detail?.['kind']])).toEqual([['pat', 'method-added']]);
      expect(h.mailer.sent).toEqual([]);
    });
  });
}
