import { describe, expect, it } from 'vitest';
import { countedStore } from '../helpers/counted-store.js';
import { DAY, enrollEmail, enrollTotp, makeTwoFactor, startChallenge } from '../helpers/harness.js';
import { storesUnderTest } from '../helpers/stores.js';

const site = (userId: string) => (userId.startsWith('b') ? 'site-b' : 'site-a');

for (const target of storesUnderTest()) {
  describe.skipIf(target.skip)(`statusMany and the admin overview (${target.name})`, () => {
    it('1,000 users in one store read, each with methods, codes, lock, browsers, last sign-in and the rule', async () => {
      const { store, calls } = countedStore(await target.make());
      const h = makeTwoFactor(store, { orgOf: site, policy: { frequency: { trustDays: 30 } } });
      await h.tf.policy.set({ required: { graceDays: 7 } }, { org: 'site-a' });
      const { secret } = await enrollTotp(h, 'ana');
      await enrollEmail(h, 'amy');
      const { challengeId } = await startChallenge(h, 'ana');
      const signedInAt = h.clock.now();
      await h.tf.login.verify(challengeId, h.totp.generateCode(secret, signedInAt), { rememberDevice: true });
      // Amy locks her account with wrong codes (the account lock starts after 10 failures).
      for (let i = 0; i < 10; i++) {
        const { challengeId: id } = await startChallenge(h, 'amy');
        await h.tf.login.verify(id, '000000');
        h.clock.advance(1000);
      }
      expect((await h.tf.login.start('al')).status).toBe('setup-recommended');
      const ids = ['ana', 'amy', 'al', 'bo', ...Array.from({ length: 996 }, (_, i) => `a${i}`)];
      // The lock's security notice reads the store in the background: let it finish before counting.
      await h.tf.notices.settled();
      for (const key of Object.keys(calls)) delete calls[key];
      const statuses = await h.tf.statusMany(ids);
      expect(calls['getAcross'] ?? 0).toBe(1);
      expect(calls['getMany'] ?? 0).toBe(0);
      expect(statuses.size).toBe(1000);
      expect([...statuses.keys()].slice(0, 4)).toEqual(['ana', 'amy', 'al', 'bo']);
      expect(statuses.get('ana')).toMatchObject({
        enabled: true,
        methods: ['totp'],
        backupCodesRemaining: 10,
        trustedBrowsers: 1,
        lastSecondFactorAt: signedInAt,
        lockedUntil: null,
        setup: 'enrolled',
        org: 'site-a',
      });
      expect(statuses.get('amy')).toMatchObject({ methods: ['email'], lastSecondFactorAt: null });
      expect(statuses.get('amy')?.lockedUntil).toBeGreaterThan(h.clock.now());
      expect(statuses.get('al')).toMatchObject({ setup: 'grace', graceUntil: h.clock.now() + 7 * DAY });
      expect(statuses.get('bo')).toMatchObject({ enabled: false, setup: 'optional', org: 'site-b' });
      await expect(h.tf.statusMany(Array.from({ length: 1001 }, (_, i) => `u${i}`))).rejects.toMatchObject({
        code: 'INVALID_INPUT',
      });
    });

    it('the overview counts one org for its admin, and refuses a list with another org’s user', async () => {
      const h = makeTwoFactor(await target.make(), { orgOf: site });
      await enrollTotp(h, 'ana');
      await enrollEmail(h, 'amy');
      await enrollTotp(h, 'amy');
      await enrollTotp(h, 'bo');
      const admin = { id: 'boss', roles: ['admin'], org: 'site-a' };
      expect(await h.tf.admin.overview(admin, { userIds: ['ana', 'amy', 'al'] })).toEqual({
        users: 3,
        enrolled: 2,
        byMethod: { totp: 2, email: 1 },
        withoutTwoFactor: 1,
        inGrace: 0,
        required: 0,
        lockedNow: 0,
        lowBackupCodes: 0,
      });
      await expect(h.tf.admin.overview(admin, { userIds: ['ana', 'bo'] })).rejects.toMatchObject({
        code: 'NOT_AUTHORIZED',
      });
      await expect(
        h.tf.admin.overview({ id: 'x', roles: ['agent'], org: 'site-a' }, { userIds: [] }),
      ).rejects.toMatchObject({
        code: 'NOT_AUTHORIZED',
      });
    });
  });
}
