import { describe, expect, it } from 'vitest';
import { DAY, enrollEmail, enrollTotp, makeTwoFactor, startChallenge } from '../helpers/harness.js';
import { storesUnderTest } from '../helpers/stores.js';

const roles: Record<string, string[]> = { boss: ['admin'], ana: ['agent'], ben: ['agent'] };
const site = (userId: string) => (userId.startsWith('b-') ? 'site-b' : 'site-a');

for (const target of storesUnderTest()) {
  describe.skipIf(target.skip)(`enforcement with a rollout (${target.name})`, () => {
    it('per-user grace: recommended for graceDays from each user’s first sign-in, then required', async () => {
      const h = makeTwoFactor(await target.make(), { orgOf: site });
      await h.tf.policy.set({ required: { graceDays: 7 } }, { org: 'site-a' });
      const first = h.clock.now();
      expect(await h.tf.login.start('ana')).toEqual({
        status: 'setup-recommended',
        deadline: first + 7 * DAY,
      });
      h.clock.advance(3 * DAY);
      // Ben signs in first now: his week starts now; Ana's still ends on the first one's date.
      expect(await h.tf.login.start('ben')).toEqual({
        status: 'setup-recommended',
        deadline: first + 10 * DAY,
      });
      expect(await h.tf.login.start('ana')).toEqual({
        status: 'setup-recommended',
        deadline: first + 7 * DAY,
      });
      h.clock.set(first + 7 * DAY);
      expect(await h.tf.login.start('ana')).toEqual({ status: 'setup-required' });
      expect((await h.tf.login.start('ben')).status).toBe('setup-recommended');
      // Site B has no rule.
      expect(await h.tf.login.start('b-carl')).toEqual({ status: 'not-required' });
      expect(h.events.filter((e) => e.type === 'setup.deferred').map((e) => e.userId)).toEqual([
        'ana',
        'ben',
        'ana',
        'ben',
      ]);
      expect(h.events.filter((e) => e.type === 'setup.enforced').map((e) => e.userId)).toEqual(['ana']);
    });

    it('a deadline: recommended until the date for everyone, required from it; a user who enrols is done', async () => {
      const h = makeTwoFactor(await target.make());
      const deadline = h.clock.now() + 14 * DAY;
      await h.tf.policy.set({ required: { deadline } });
      expect(await h.tf.login.start('ana')).toEqual({ status: 'setup-recommended', deadline });
      await enrollTotp(h, 'ana');
      expect((await h.tf.login.start('ana')).status).toBe('challenge');
      // Turning 2FA off while required: no grace left, whatever the date.
      await h.tf.disable('ana', 'totp');
      expect(await h.tf.login.start('ana')).toEqual({ status: 'setup-required' });
      h.clock.set(deadline - 1);
      expect((await h.tf.login.start('ben')).status).toBe('setup-recommended');
      h.clock.set(deadline);
      expect(await h.tf.login.start('ben')).toEqual({ status: 'setup-required' });
    });

    it('graceDays and a deadline: the earlier ends grace; a new rule starts grace afresh', async () => {
      const h = makeTwoFactor(await target.make());
      const deadline = h.clock.now() + 3 * DAY;
      await h.tf.policy.set({ required: { graceDays: 10, deadline } });
      expect(await h.tf.login.start('ana')).toEqual({ status: 'setup-recommended', deadline });
      h.clock.set(deadline);
      expect((await h.tf.login.start('ana')).status).toBe('setup-required');
      await h.tf.policy.set({ required: { graceDays: 2 } });
      expect(await h.tf.login.start('ana')).toEqual({
        status: 'setup-recommended',
        deadline: deadline + 2 * DAY,
      });
    });

    it('a role-only rule: admins must set up (rolesOf), agents are not asked', async () => {
      const h = makeTwoFactor(await target.make(), { rolesOf: (userId) => roles[userId] ?? [] });
      await h.tf.policy.set({ required: { roles: ['admin'] } });
      expect(await h.tf.login.start('boss')).toEqual({ status: 'setup-required' });
      expect(await h.tf.login.start('ana')).toEqual({ status: 'not-required' });
      // Roles given per call win over rolesOf.
      expect(await h.tf.login.start('ana', { roles: ['admin'] })).toEqual({ status: 'setup-required' });
    });

    it('a forbidden method is neither offered nor accepted; its only user is asked to set up an allowed one', async () => {
      const h = makeTwoFactor(await target.make());
      const { secret } = await enrollTotp(h, 'ana');
      await enrollEmail(h, 'ana');
      await enrollEmail(h, 'ben');
      await h.tf.policy.set({ methods: { allowed: ['totp', 'webauthn'] }, required: { graceDays: 5 } });
      const challenge = await startChallenge(h, 'ana');
      expect(challenge.methods).toEqual(['totp', 'backup-code']);
      expect(await h.tf.login.sendEmailCode(challenge.challengeId)).toMatchObject({
        ok: false,
        reason: 'no-email',
      });
      // Ben's only method is forbidden: grace applies, then setup; his backup codes count for nothing.
      expect((await h.tf.login.start('ben')).status).toBe('setup-recommended');
      h.clock.advance(5 * DAY);
      expect((await h.tf.login.start('ben')).status).toBe('setup-required');
      // A code of a method the policy forbade after the challenge began fails like a wrong code.
      await h.tf.policy.set({ methods: { allowed: ['totp', 'email'] } });
      const open = await startChallenge(h, 'ana');
      await h.tf.policy.set({ methods: { allowed: ['email'] } });
      const forbidden = await h.tf.login.verify(open.challengeId, h.totp.generateCode(secret, h.clock.now()));
      expect(forbidden).toEqual({ ok: false, reason: 'invalid-code', attemptsLeft: 4 });
      await expect(h.tf.policy.set({ methods: { allowed: ['sms'] } })).rejects.toMatchObject({
        code: 'INVALID_INPUT',
      });
    });

    it('admins need a phishing-resistant method (phishingResistantFor): their app code is not offered', async () => {
      const h = makeTwoFactor(await target.make(), { rolesOf: (userId) => roles[userId] ?? [] });
      await enrollTotp(h, 'boss');
      await enrollTotp(h, 'ana');
      await h.tf.policy.set({ required: true, methods: { phishingResistantFor: ['admin'] } });
      expect(await h.tf.login.start('boss')).toEqual({ status: 'setup-required' });
      expect((await h.tf.login.start('ana')).status).toBe('challenge');
    });
  });
}
