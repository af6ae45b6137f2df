import { describe, expect, it } from 'vitest';
import { hotpCode } from '../../examples/custom-method/hotp-codes.js';
import { hotpTokenMethod } from '../../examples/custom-method/hotp-token.js';
import {
  createTwoFactor,
  defineMethod,
  MemoryMailer,
  methodApi,
  type TwoFactorOptions,
} from '../../src/entries/index.js';
import type { Store } from '../../src/store/store.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { KEY, MINUTE, makeTwoFactor, startChallenge } from '../helpers/harness.js';
import { storesUnderTest } from '../helpers/stores.js';

const SEED = Buffer.from('3132333435363738393031323334353637383930', 'hex'); // RFC 4226 Appendix D
const inventory = new Map([['FT-0042', SEED.toString('hex')]]);
const seedOf = async (serial: string) => inventory.get(serial) ?? null;

/** A facade with the host's hardware tokens registered beside the built-in methods. */
function withTokens(store: Store) {
  // The harness takes the built-in methods' options; createTwoFactor types a host method's own.
  const h = makeTwoFactor(store, {
    methods: [hotpTokenMethod],
    hotpToken: { seedOf },
  } as Partial<TwoFactorOptions>);
  return { ...h, tokens: methodApi(h.tf, hotpTokenMethod) };
}

describe('a host method', () => {
  it('RFC 4226 Appendix D: the worked example computes the published codes', () => {
    const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583'];
    expect(expected.map((_, counter) => hotpCode(SEED, counter))).toEqual(expected);
  });

  it('is refused when it clashes with another method, and methodApi needs a facade that has it', () => {
    const clash = defineMethod({ ...hotpTokenMethod, id: 'totp' });
    const base = { issuer: 'X', store: new MemoryStore(), mailer: new MemoryMailer(), keys: KEY };
    expect(() => createTwoFactor({ ...base, methods: [clash] } as never)).toThrow(
      expect.objectContaining({ code: 'CONFIG', field: 'options.methods' }),
    );
    const reserved = defineMethod({
      ...hotpTokenMethod,
      options: { issuer: hotpTokenMethod.options.hotpToken },
    });
    expect(() => createTwoFactor({ ...base, methods: [reserved] })).toThrow(
      expect.objectContaining({ code: 'CONFIG' }),
    );
    expect(() => methodApi(createTwoFactor(base), hotpTokenMethod)).toThrow(
      expect.objectContaining({ code: 'CONFIG' }),
    );
    // Typed from the module: its option is required, its namespace reachable.
    const typed = createTwoFactor({ ...base, methods: [hotpTokenMethod], hotpToken: { seedOf } });
    expect(methodApi(typed, hotpTokenMethod).beginSetup).toBeTypeOf('function');
    // Its option is checked with the others.
    expect(() => createTwoFactor({ ...base, methods: [hotpTokenMethod] } as never)).toThrow(
      expect.objectContaining({ code: 'CONFIG', field: 'options.hotpToken' }),
    );
  });
});

for (const target of storesUnderTest()) {
  describe.skipIf(target.skip)(`a host method: hardware tokens (${target.name})`, () => {
    it('sets up by serial and a code, shows in status, is offered and signs in, once per code', async () => {
      const h = withTokens(await target.make());
      expect(await h.tf.status('ana')).toMatchObject({ enabled: false, hotpToken: false });
      expect(await h.tokens.beginSetup('ana', 'FT-9999')).toEqual({ ok: false, reason: 'unknown-token' });
      expect(await h.tokens.beginSetup('ana', 'FT-0042')).toMatchObject({ ok: true });
      expect(await h.tokens.confirmSetup('ana', '000000')).toMatchObject({
        ok: false,
        reason: 'invalid-code',
      });
      // The token was pressed twice before: counter 3 confirms it.
      const confirmed = await h.tokens.confirmSetup('ana', hotpCode(SEED, 3));
      expect(confirmed.ok && confirmed.backupCodes).toHaveLength(10);
      expect(await h.tf.status('ana')).toMatchObject({
        enabled: true,
        hotpToken: true,
        backupCodesRemaining: 10,
      });
      h.clock.advance(MINUTE);
      const { challengeId, methods } = await startChallenge(h, 'ana');
      expect(methods).toEqual(['hotp-token', 'backup-code']);
      expect(await h.tf.login.verify(challengeId, hotpCode(SEED, 3))).toMatchObject({
        ok: false,
        reason: 'invalid-code',
      });
      expect(await h.tf.login.verify(challengeId, hotpCode(SEED, 5))).toMatchObject({
        ok: true,
        method: 'hotp-token',
      });
      const next = await startChallenge(h, 'ana');
      expect(await h.tf.login.verify(next.challengeId, hotpCode(SEED, 5))).toMatchObject({ ok: false });
      expect(await h.tf.login.verify(next.challengeId, hotpCode(SEED, 16))).toMatchObject({ ok: false });
      expect(await h.tf.login.verify(next.challengeId, hotpCode(SEED, 6))).toMatchObject({ ok: true });
      expect(h.events.map((e) => e.type)).toEqual(
        expect.arrayContaining(['hotp-token.setup-started', 'hotp-token.enabled', 'verify.succeeded']),
      );
    });

    it('50 concurrent logins with one code on 50 challenges: exactly one succeeds; disable and reset remove it', async () => {
      const h = withTokens(await target.make());
      await h.tokens.beginSetup('ana', 'FT-0042');
      await h.tokens.confirmSetup('ana', hotpCode(SEED, 1));
      const challenges = await Promise.all(Array.from({ length: 50 }, () => startChallenge(h, 'ana')));
      const code = hotpCode(SEED, 2);
      const results = await Promise.all(challenges.map((c) => h.tf.login.verify(c.challengeId, code)));
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      await h.tf.disable('ana', 'hotp-token' as 'totp');
      expect(await h.tf.status('ana')).toMatchObject({
        enabled: false,
        hotpToken: false,
        backupCodesRemaining: 0,
      });
      await h.tokens.beginSetup('ben', 'FT-0042');
      await h.tokens.confirmSetup('ben', hotpCode(SEED, 9));
      await h.tf.admin.reset({ id: 'root', roles: ['admin'] }, 'ben');
      expect(await h.tf.status('ben')).toMatchObject({ enabled: false, hotpToken: false });
    });
  });
}
