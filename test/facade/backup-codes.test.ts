import { describe, expect, it } from 'vitest';
import { BackupCodeVault } from '../../src/methods/backup-codes/backup-code-vault.js';
import { storeKeys } from '../../src/store/keys.js';
import { enrollTotp, KEY, makeTwoFactor, startChallenge } from '../helpers/harness.js';
import { storesUnderTest } from '../helpers/stores.js';

for (const target of storesUnderTest()) {
  describe.skipIf(target.skip)(`backup codes (${target.name})`, () => {
    it('ten codes of 80 bits in groups of four, typed any way', async () => {
      const h = makeTwoFactor(await target.make());
      const { backupCodes } = await enrollTotp(h, 'agent');
      expect(backupCodes).toHaveLength(10);
      expect(new Set(backupCodes).size).toBe(10);
      for (const code of backupCodes)
        expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){3}$/);
      const typed = ` ${backupCodes[0]!.toUpperCase().replace(/-/g, '  ')} `;
      const { challengeId } = await startChallenge(h, 'agent');
      expect(await h.tf.login.verify(challengeId, typed)).toMatchObject({ ok: true, method: 'backup-code' });
    });

    it('single use, and "Generate new codes" voids every older code', async () => {
      const h = makeTwoFactor(await target.make());
      const { backupCodes } = await enrollTotp(h, 'agent');
      const use = async (code: string) =>
        h.tf.login.verify((await startChallenge(h, 'agent')).challengeId, code);
      expect((await use(backupCodes[0]!)).ok).toBe(true);
      expect((await use(backupCodes[0]!)).ok).toBe(false);
      const fresh = await h.tf.backupCodes.regenerate('agent');
      expect(fresh).toHaveLength(10);
      expect((await use(backupCodes[1]!)).ok).toBe(false);
      expect((await use(fresh[1]!)).ok).toBe(true);
      expect(await h.tf.backupCodes.view('agent')).toEqual({ total: 10, remaining: 9, codes: null });
    });

    it('when all ten are used, status says so and login stops offering them', async () => {
      const h = makeTwoFactor(await target.make());
      const { backupCodes } = await enrollTotp(h, 'agent');
      for (const code of backupCodes) {
        expect((await h.tf.login.verify((await startChallenge(h, 'agent')).challengeId, code)).ok).toBe(true);
      }
      expect((await h.tf.status('agent')).backupCodesRemaining).toBe(0);
      expect(await h.tf.backupCodes.view('agent')).toEqual({ total: 10, remaining: 0, codes: null });
      expect((await startChallenge(h, 'agent')).methods).toEqual(['totp']);
    });

    it('viewable storage shows the unused codes again', async () => {
      const h = makeTwoFactor(await target.make(), { policy: { backupCodes: { storage: 'viewable' } } });
      const { backupCodes } = await enrollTotp(h, 'agent');
      await h.tf.login.verify((await startChallenge(h, 'agent')).challengeId, backupCodes[2]!);
      const view = await h.tf.backupCodes.view('agent');
      expect(view.remaining).toBe(9);
      expect(view.codes?.slice().sort()).toEqual(backupCodes.filter((_, i) => i !== 2).sort());
    });

    it('the download file has issuer, account, date, the codes and how to use them', async () => {
      const h = makeTwoFactor(await target.make());
      const { backupCodes } = await enrollTotp(h, 'agent');
      const text = h.tf.backupCodes.toText(backupCodes, { accountName: 'ana@example.com' });
      const lines = text.split('\n');
      expect(lines[0]).toBe('CloudFon CX backup codes');
      expect(lines).toContain('Account: ana@example.com');
      expect(lines).toContain(`Generated: ${new Date(h.clock.now()).toISOString().slice(0, 10)}`);
      for (const code of backupCodes) expect(lines).toContain(code);
      expect(text).toMatch(/can be used once/);
    });

    it('50 concurrent redemptions of one code: one succeeds, remaining drops by one', async () => {
      const h = makeTwoFactor(await target.make());
      const { backupCodes } = await enrollTotp(h, 'agent');
      const challenges = await Promise.all(Array.from({ length: 50 }, () => startChallenge(h, 'agent')));
      const results = await Promise.all(
        challenges.map((c) => h.tf.login.verify(c.challengeId, backupCodes[0]!)),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect((await h.tf.status('agent')).backupCodesRemaining).toBe(9);
      expect(h.events.filter((e) => e.type === 'backup-code.used')).toMatchObject([{ userId: 'agent' }]);
    });

    it('a code read before "Generate new codes" and redeemed after it is refused, and burns no new code', async () => {
      // The login reads the set, then redeems in a later commit: a set generated in between has its
      // own codes under the same field names, so the redeem must be bound to the value it matched.
      const store = await target.make();
      const h = makeTwoFactor(store, { policy: { backupCodes: { storage: 'viewable' } } });
      const { backupCodes } = await enrollTotp(h, 'agent');
      const vault = new BackupCodeVault({ keys: KEY, now: h.clock.now });
      for (const storage of ['viewable', 'hashed'] as const) {
        await h.tf.policy.set({ backupCodes: { storage } });
        const old = storage === 'viewable' ? backupCodes : await h.tf.backupCodes.regenerate('agent');
        const read = await store.get(storeKeys.backupCodes('agent'), h.clock.now());
        const redeem = vault.redeemOp('agent', old[3]!, read!.fields);
        expect(redeem).not.toBeNull();
        await h.tf.backupCodes.regenerate('agent');
        expect((await store.commit([redeem!], h.clock.now())).ok).toBe(false);
        expect((await h.tf.backupCodes.view('agent')).remaining).toBe(10);
      }
    });

    it('regenerating needs an enabled method', async () => {
      const h = makeTwoFactor(await target.make());
      await expect(h.tf.backupCodes.regenerate('nobody')).rejects.toMatchObject({ code: 'NOT_ENABLED' });
    });
  });
}

describe('first and last method, decided inside the commit', () => {
  it('confirming both methods at once: one wins and issues the one set of backup codes; the other setup ends', async () => {
    const { MemoryStore } = await import('../../src/stores/memory/memory-store.js');
    const h = makeTwoFactor(new MemoryStore());
    const setup = await h.tf.totp.beginSetup('agent', { accountName: 'agent' });
    await h.tf.email.beginSetup('agent', 'agent@example.com');
    const [app, mail] = await Promise.all([
      h.tf.totp.confirmSetup('agent', h.totp.generateCode(setup.secret, h.clock.now())),
      h.tf.email.confirmSetup('agent', h.lastEmailCode('agent@example.com')),
    ]);
    // The first method confirmed changes the method set, which ends the other pending setup.
    expect([app, mail].filter((r) => r.ok)).toHaveLength(1);
    expect([app, mail].find((r) => !r.ok)).toEqual({ ok: false, reason: 'no-pending-setup' });
    const issued = [app, mail].filter((r) => r.ok && r.backupCodes).map((r) => (r.ok ? r.backupCodes! : []));
    expect(issued).toHaveLength(1);
    expect((await h.tf.status('agent')).backupCodesRemaining).toBe(10);
    const { challengeId } = await startChallenge(h, 'agent');
    expect((await h.tf.login.verify(challengeId, issued[0]![0]!)).ok).toBe(true);
  });

  it('turning both methods off at once leaves no backup codes behind', async () => {
    const { MemoryStore } = await import('../../src/stores/memory/memory-store.js');
    const { storeKeys } = await import('../../src/store/keys.js');
    const store = new MemoryStore();
    const h = makeTwoFactor(store);
    await enrollTotp(h, 'agent');
    await h.tf.email.beginSetup('agent', 'agent@example.com');
    await h.tf.email.confirmSetup('agent', h.lastEmailCode('agent@example.com'));
    await Promise.all([h.tf.disable('agent', 'totp'), h.tf.disable('agent', 'email')]);
    expect(await h.tf.status('agent')).toEqual({
      enabled: false,
      totp: false,
      email: null,
      securityKeys: 0,
      backupCodesRemaining: 0,
    });
    // Both disables read "the other method is on"; the record must still be gone.
    expect(await store.get(storeKeys.backupCodes('agent'), h.clock.now())).toBeNull();
  });
});
