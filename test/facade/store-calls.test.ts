import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { enrollTotp, makeTwoFactor, startChallenge } from '../helpers/harness.js';
import { storesUnderTest } from '../helpers/stores.js';

/** One call the facade made on the store: the method's name and, for a commit, how many keys it read. */
interface StoreCall {
  method: string;
  reads?: number;
}

/**
 * The store under test behind a thin counting proxy: every method call is recorded, then forwarded
 * to the real store, which does the work.
 */
function countCalls(store: Store): { store: Store; calls: StoreCall[] } {
  const calls: StoreCall[] = [];
  const counted = new Proxy(store, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const read = property === 'commit' ? args[2] : undefined;
        calls.push(
          Array.isArray(read)
            ? { method: String(property), reads: read.length }
            : { method: String(property) },
        );
        return Reflect.apply(value, target, args);
      };
    },
  });
  return { store: counted, calls };
}

// Issue 13: a wrong code is one round trip (the attempt, carrying the read of the user's records),
// a right one two (the attempt, then the end of the challenge). The policy is the one `login.start`
// just read (the default 5 s cache), so `login.verify` itself never reads the store apart. Security
// notices are off: they go out in the background, and one landing mid-count is not the verify's.
for (const target of storesUnderTest()) {
  describe.skipIf(target.skip)(`store calls per login.verify (${target.name})`, () => {
    it('a wrong TOTP code: one commit, carrying the reads', async () => {
      const { store, calls } = countCalls(await target.make());
      const h = makeTwoFactor(store, { policyCacheMs: 5000, notify: false });
      const { secret } = await enrollTotp(h, 'agent');
      const wrong = h.totp.generateCode(secret, h.clock.now()) === '000000' ? '111111' : '000000';
      const { challengeId } = await startChallenge(h, 'agent');
      calls.length = 0;
      expect(await h.tf.login.verify(challengeId, wrong)).toMatchObject({ reason: 'invalid-code' });
      expect(calls).toEqual([{ method: 'commit', reads: expect.any(Number) }]);
      expect(calls[0]?.reads).toBeGreaterThan(0);
    });

    it('a correct TOTP code: two commits, no get or getMany', async () => {
      const { store, calls } = countCalls(await target.make());
      const h = makeTwoFactor(store, { policyCacheMs: 5000, notify: false });
      const { secret } = await enrollTotp(h, 'agent');
      const { challengeId } = await startChallenge(h, 'agent');
      calls.length = 0;
      expect(await h.tf.login.verify(challengeId, h.totp.generateCode(secret, h.clock.now()))).toMatchObject({
        ok: true,
        method: 'totp',
      });
      expect(calls.map((call) => call.method)).toEqual(['commit', 'commit']);
      expect(calls[0]?.reads).toBeGreaterThan(0);
      // The real store did the work: the challenge is ended, and the same code cannot end it twice.
      expect(await h.tf.login.verify(challengeId, h.totp.generateCode(secret, h.clock.now()))).toEqual({
        ok: false,
        reason: 'challenge-ended',
      });
    });
  });
}
