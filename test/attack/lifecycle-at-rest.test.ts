/**
 * Issue 19 ("years in production"), at rest: what a readable store gives away, on every store.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { storeKeys, tagKey, userTag } from '../../src/store/keys.js';
import type { Store } from '../../src/store/store.js';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import { enrollEmail, enrollTotp, makeTwoFactor, startChallenge } from '../helpers/harness.js';
import { failOnLostNotices } from '../helpers/notice-warnings.js';
import { storeContents } from '../helpers/store-contents.js';
import { storesUnderTest } from '../helpers/stores.js';

failOnLostNotices();
for (const store of storesUnderTest()) {
  describe.skipIf(store.skip)(store.name, () => {
    it('years in production, item 11: no session key and no challenge nonce is a record name (or anywhere) in the store', async () => {
      const raw = await store.make();
      const h = makeTwoFactor(raw);
      const { secret } = await enrollTotp(h, 'ana');
      const pending = await startChallenge(h, 'ana');
      const stepUp = await h.tf.login.start('ana', {
        stepUp: true,
        session: await h.tf.sessions.open('ana'),
      });
      const proven = await h.tf.login.verify(pending.challengeId, h.totp.generateCode(secret, h.clock.now()));
      expect(proven.ok).toBe(true);
      const session = await h.tf.sessions.open('ana', { provenAt: h.clock.now() });
      expect(await h.tf.sessions.isOpen('ana', session)).toBe(true);
      const open = await startChallenge(h, 'ana');
      const secrets = [
        session,
        pending.challengeId.split('.')[1]!,
        open.challengeId.split('.')[1]!,
        stepUp.status === 'challenge' ? stepUp.challengeId.split('.')[1]! : 'none',
      ];
      const contents = await storeContents(raw);
      expect(contents.length).toBeGreaterThan(3);
      for (const value of secrets) {
        for (const { key, text } of contents) {
          expect(key, key).not.toContain(value);
          expect(text, key).not.toContain(value);
        }
      }
      // Still found by those who hold them.
      expect((await h.tf.login.verify(open.challengeId, '000000')).ok).toBe(false);
      expect(await h.tf.sessions.isOpen('ana', session)).toBe(true);
    });

    it('years in production, item 11: a session and a challenge the previous version wrote under their own names are not live after the upgrade (no crash, no bypass)', async () => {
      const raw: Store = await store.make();
      const h = makeTwoFactor(raw);
      const { secret } = await enrollTotp(h, 'ana');
      const now = h.clock.now();
      const tag = userTag('ana');
      const oldKey = 'AAAAAAAAAAAAAAAAAAAAAA';
      const oldNonce = 'BBBBBBBBBBBBBBBBBBBBBB';
      // As 0.1 wrote them: the key and the nonce in the record names.
      await raw.commit(
        [
          {
            type: 'put',
            key: tagKey(tag, `session:${oldKey}`),
            fields: { since: String(now) },
            expiresAt: now + 86_400_000,
          },
          {
            type: 'put',
            key: tagKey(tag, `challenge:${oldNonce}`),
            fields: {
              purpose: 'login',
              methods: 'totp,backup-code',
              deadline: String(now + 900_000),
              attempts: '0',
              lockedUntil: '0',
            },
            expiresAt: now + 4_500_000,
          },
        ],
        now,
      );
      expect(await h.tf.sessions.isOpen('ana', oldKey)).toBe(false);
      const code = h.totp.generateCode(secret, now);
      expect(await h.tf.login.verify(`${tag}.${oldNonce}`, code)).toEqual({
        ok: false,
        reason: 'unknown-challenge',
      });
      // The new names are the hashes: no old record is read as one.
      expect(storeKeys.session('ana', oldKey)).not.toBe(tagKey(tag, `session:${oldKey}`));
    });
  });
}

describe('sqlite files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'factorkit-at-rest-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('years in production, item 11: the SQLite file, its -wal and its -shm are created readable by their owner only (0600)', async () => {
    const filename = join(dir, `${randomUUID()}.sqlite`);
    const store = new SqliteStore({ filename });
    store.createSchema();
    const h = makeTwoFactor(store);
    await enrollTotp(h, 'ana'); // writes: the -wal and -shm files exist now
    for (const file of [filename, `${filename}-wal`, `${filename}-shm`]) {
      expect((statSync(file).mode & 0o777).toString(8), file).toBe('600');
    }
    await h.tf.notices.settled(); // "a method was added", sent in the background
    store.close();
  });

  it('years in production, item 11: a turned-off email address is gone from the SQLite file bytes (secure_delete)', async () => {
    const filename = join(dir, `${randomUUID()}.sqlite`);
    const store = new SqliteStore({ filename });
    store.createSchema();
    const h = makeTwoFactor(store);
    const address = 'ana.confidential@example.com';
    await enrollTotp(h, 'ana');
    await enrollEmail(h, 'ana', address);
    const bytes = () =>
      ['', '-wal']
        .map((suffix) => {
          try {
            return readFileSync(filename + suffix).toString('latin1');
          } catch {
            return '';
          }
        })
        .join('');
    expect(bytes()).toContain(address);
    await h.tf.disable('ana', 'email');
    await h.tf.notices.settled(); // the notices of both changes, before the store closes
    // The hourly sweep also checkpoints the write-ahead log into the file and empties it.
    store.sweepExpired(h.clock.now());
    expect(bytes()).not.toContain(address);
    store.close();
    // Read by another connection too: the rows are gone, not just hidden.
    const db = new Database(filename, { readonly: true });
    expect(JSON.stringify(db.prepare('SELECT * FROM factorkit_records').all())).not.toContain(address);
    db.close();
  });
});
