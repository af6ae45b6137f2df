import { describe, expect, it } from 'vitest';
import { storeKeys } from '../../src/store/keys.js';
import type { Store } from '../../src/store/store.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { enrollTotp, makeTwoFactor, startChallenge } from '../helpers/harness.js';

/** One answer for one situation, and errors that say what went wrong. */
describe('results and error codes', () => {
  it('a malformed challenge id is unknown-challenge everywhere', async () => {
    const h = makeTwoFactor(new MemoryStore());
    for (const id of ['', 'x', 'not.a.challenge', `${'a'.repeat(2000)}.b`]) {
      expect(await h.tf.login.sendEmailCode(id)).toEqual({ ok: false, reason: 'unknown-challenge' });
      expect(await h.tf.login.verify(id, '123456')).toEqual({ ok: false, reason: 'unknown-challenge' });
    }
  });

  it('a store that throws something other than StoreUnavailableError has a bug: BUG, not STORE_UNAVAILABLE', async () => {
    const memory = new MemoryStore();
    const buggy: Store = {
      get: (key, now) => memory.get(key, now),
      getMany: async () => {
        throw new TypeError("Cannot read properties of undefined (reading 'fields')");
      },
      commit: (ops, now, read) => memory.commit(ops, now, read),
    };
    const h = makeTwoFactor(buggy);
    await expect(h.tf.status('ana')).rejects.toMatchObject({ code: 'BUG' });
  });

  it('a stored record that does not parse is CORRUPT_RECORD, not bad input', async () => {
    const store = new MemoryStore();
    const h = makeTwoFactor(store);
    await enrollTotp(h, 'ana');
    // The TOTP replay floor is damaged (or written by something else).
    await store.commit(
      [{ type: 'merge', key: storeKeys.user('ana'), fields: { totpStep: 'not a step' } }],
      0,
    );
    const { challengeId } = await startChallenge(h, 'ana');
    await expect(h.tf.login.verify(challengeId, '123456')).rejects.toMatchObject({ code: 'CORRUPT_RECORD' });
  });
});
