import bcrypt from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { Keyring } from '../../src/core/keyring.js';
import { MemorySender } from '../../src/entries/index.js';
import { exportUser, exportUsers } from '../../src/import/export-user.js';
import { importUser } from '../../src/import/import-user.js';
import type { ImportedUser } from '../../src/import/imported-user.js';
import { storeKeys } from '../../src/store/keys.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { earlierHashedCodesOp } from '../helpers/earlier-codes.js';
import { enrollEmail, enrollTotp, type Harness, KEY, makeTwoFactor } from '../helpers/harness.js';
import { storesUnderTest } from '../helpers/stores.js';
import { appCode, foreignKey, ORIGIN, RP_ID, signInWith, signInWithKey } from './support.js';

const WEBAUTHN = { rpId: RP_ID, rpName: 'CloudFon CX', origin: ORIGIN };
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

/** Every user's export, as the JSONL file carries them (a line each, through JSON). */
async function exportAll(h: Harness, userIds: string[]): Promise<ImportedUser[]> {
  const lines: string[] = [];
  for (const userId of userIds) {
    const user = await exportUser(h.tf, userId);
    if (user) lines.push(JSON.stringify(user));
  }
  return lines.map((line) => JSON.parse(line) as ImportedUser);
}

for (const target of storesUnderTest()) {
  describe.skipIf(target.skip)(`export then import (${target.name})`, () => {
    for (const storage of ['hashed', 'viewable'] as const) {
      it(`round-trips every user exactly into a fresh store (backup codes ${storage})`, async () => {
        const policy = { backupCodes: { storage } };
        const phone = { sender: new MemorySender() };
        const source = makeTwoFactor(await target.make(), { webauthn: WEBAUTHN, policy, phone });
        const native = await enrollTotp(source, 'native');
        await enrollEmail(source, 'mailer');
        await importUser(source.tf, { userId: 'texted', phone: '+442079460958', email: 't@example.com' });
        const key = foreignKey(Buffer.from('old-17').toString('base64url'));
        await importUser(source.tf, {
          userId: 'keyed',
          securityKeys: [key.record],
          backupCodes: ['AbCd1-EfGh2'],
        });
        await importUser(source.tf, {
          userId: 'profiled',
          totp: { secret: SECRET, algorithm: 'SHA512', digits: 8, periodSeconds: 60, lastUsedStep: 3 },
          backupCodes: { bcrypt: [bcrypt.hashSync('0123abcdp', 4)], pepper: 'p' },
        });
        await importUser(source.tf, { userId: 'short', totp: { secret: 'JBSWY3DPEHPK3PXP' } });
        const ids = ['native', 'mailer', 'texted', 'keyed', 'profiled', 'short', 'nobody'];
        const exported = await exportAll(source, ids);
        expect(exported.map((u) => u.userId)).toEqual([
          'native',
          'mailer',
          'texted',
          'keyed',
          'profiled',
          'short',
        ]);
        expect(exported[2]).toEqual({
          userId: 'texted',
          email: { address: 't@example.com', enabledAt: source.clock.now() },
          phone: { number: '+442079460958', enabledAt: source.clock.now() },
        });
        expect(exported[0]).toMatchObject({ totp: { secret: native.secret, algorithm: 'SHA1', digits: 6 } });

        // Without user ids, the store lists its users itself (Store.scan; a user may come twice).
        const scanned = new Map<string, ImportedUser>();
        for await (const user of exportUsers(source.tf))
          scanned.set(user.userId, JSON.parse(JSON.stringify(user)));
        expect(Object.fromEntries(scanned)).toEqual(Object.fromEntries(exported.map((u) => [u.userId, u])));

        const dest = makeTwoFactor(await target.make(), { webauthn: WEBAUTHN, policy, phone });
        for (const user of exported) expect((await importUser(dest.tf, user)).outcome).toBe('imported');
        expect(await exportAll(dest, ids)).toEqual(exported);
        for (const id of ids) expect(await dest.tf.status(id)).toEqual(await source.tf.status(id));

        // And everyone signs in on the new store as on the old one (a step after the last used one).
        dest.clock.set(source.clock.now() + 30_000);
        expect(
          (await signInWith(dest, 'native', dest.totp.generateCode(native.secret, dest.clock.now()))).ok,
        ).toBe(true);
        expect((await signInWith(dest, 'native', native.backupCodes[3]!)).ok).toBe(true);
        expect((await signInWith(dest, 'short', appCode(dest, 'JBSWY3DPEHPK3PXP'))).ok).toBe(true);
        expect((await signInWith(dest, 'profiled', '0123abcd')).ok).toBe(true);
        expect((await signInWith(dest, 'keyed', 'AbCd1EfGh2')).ok).toBe(true);
        expect((await signInWithKey(dest, 'keyed', key.authenticator)).ok).toBe(true);
      });
    }
  });
}

describe('export then import: backup codes factorkit 0.1 hashed', () => {
  it('travel as their HMACs and key id, and work on the new store with the same keys, once each', async () => {
    const store = new MemoryStore();
    const source = makeTwoFactor(store);
    await enrollTotp(source, 'old');
    // A 0.1 hashed set: field names are the codes' HMACs under `kid`; nobody has the codes.
    const keyring = new Keyring(KEY);
    const codes = ['k7pq-3mzx-9ahd-2wfr', 'wqvn-q2mk-37y3-m90h'];
    const fields: Record<string, string> = { kid: keyring.currentId, total: '2', generatedAt: '1' };
    for (const code of codes) fields[`c:${keyring.hash(code.replace(/-/g, ''), 'backup-code\0old')}`] = '1';
    await store.commit(
      [{ type: 'put', key: storeKeys.backupCodes('old'), fields, expiresAt: null }],
      source.clock.now(),
    );
    const [exported] = await exportAll(source, ['old']);
    expect(exported?.backupCodes).toMatchObject({ keyId: keyring.currentId, keyed: expect.any(Array) });
    const dest = makeTwoFactor(new MemoryStore());
    expect((await importUser(dest.tf, exported!)).outcome).toBe('imported');
    expect(await exportAll(dest, ['old'])).toEqual([exported]);
    expect((await signInWith(dest, 'old', codes[1]!)).ok).toBe(true);
    expect((await signInWith(dest, 'old', codes[1]!)).ok).toBe(false);
  });
});

describe('export then import: hashed backup codes of the earlier form (each digest sealed on its own)', () => {
  it('travel as their sealed values and work on the new store with the same keys, once each', async () => {
    const store = new MemoryStore();
    const source = makeTwoFactor(store);
    await enrollTotp(source, 'earlier');
    const codes = ['k7pq-3mzx-9ahd-2wfr', 'wqvn-q2mk-37y3-m90h'];
    const op = earlierHashedCodesOp(KEY, 'earlier', codes);
    await store.commit([op], source.clock.now());
    const [exported] = await exportAll(source, ['earlier']);
    expect(exported?.backupCodes).toMatchObject({ sealed: [op.fields['c:1'], op.fields['c:2']] });
    const dest = makeTwoFactor(new MemoryStore());
    expect((await importUser(dest.tf, exported!)).outcome).toBe('imported');
    expect(await exportAll(dest, ['earlier'])).toEqual([exported]);
    expect((await signInWith(dest, 'earlier', codes[0]!)).ok).toBe(true);
    expect((await signInWith(dest, 'earlier', codes[0]!)).ok).toBe(false);
  });
});
