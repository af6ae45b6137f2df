import { describe, expect, it } from 'vitest';
import { enrollEmail, enrollTotp, MINUTE, makeTwoFactor, startChallenge } from '../helpers/harness.js';
import { storesUnderTest } from '../helpers/stores.js';

const admin = { id: 'site-admin', roles: ['admin'] };
const agent = { id: 'plain-agent', roles: ['agent'] };

for (const target of storesUnderTest()) {
  describe.skipIf(target.skip)(`admin-issued codes (${target.name})`, () => {
    it('only admins with the permission may issue or reset; the default denies everyone', async () => {
      const h = makeTwoFactor(await target.make());
      await expect(h.tf.admin.issueBackupCode(agent, 'u')).rejects.toMatchObject({ code: 'NOT_AUTHORIZED' });
      await expect(h.tf.admin.reset(agent, 'u')).rejects.toMatchObject({ code: 'NOT_AUTHORIZED' });
      const closed = makeTwoFactor(await target.make(), { authorize: undefined });
      await expect(closed.tf.admin.issueBackupCode(admin, 'u')).rejects.toMatchObject({
        code: 'NOT_AUTHORIZED',
      });
      await expect(h.tf.admin.issueBackupCode({ id: '' }, 'u')).rejects.toMatchObject({
        code: 'INVALID_INPUT',
      });
    });

    it('single use, in the login step, audited with actor and target', async () => {
      const h = makeTwoFactor(await target.make());
      await enrollTotp(h, 'agent');
      const issued = await h.tf.admin.issueBackupCode(admin, 'agent');
      expect(issued.expiresAt).toBe(h.clock.now() + 30 * MINUTE);
      expect(h.events.find((e) => e.type === 'admin.backup-code-issued')).toMatchObject({
        userId: 'agent',
        actor: admin,
      });
      const first = await startChallenge(h, 'agent');
      expect(await h.tf.login.verify(first.challengeId, issued.code)).toMatchObject({
        ok: true,
        method: 'admin-code',
      });
      const second = await startChallenge(h, 'agent');
      expect(await h.tf.login.verify(second.challengeId, issued.code)).toMatchObject({
        ok: false,
        reason: 'invalid-code',
      });
    });

    it('valid at 29:59, void at 30:00', async () => {
      for (const [wait, ok] of [
        [30 * MINUTE - 1000, true],
        [30 * MINUTE, false],
      ] as const) {
        const h = makeTwoFactor(await target.make());
        await enrollTotp(h, 'agent');
        const issued = await h.tf.admin.issueBackupCode(admin, 'agent');
        h.clock.advance(wait);
        const { challengeId } = await startChallenge(h, 'agent');
        expect((await h.tf.login.verify(challengeId, issued.code)).ok).toBe(ok);
      }
    });

    it('a newer code voids the older one', async () => {
      const h = makeTwoFactor(await target.make());
      await enrollTotp(h, 'agent');
      const older = await h.tf.admin.issueBackupCode(admin, 'agent');
      const newer = await h.tf.admin.issueBackupCode(admin, 'agent');
      const { challengeId } = await startChallenge(h, 'agent');
      expect((await h.tf.login.verify(challengeId, older.code)).ok).toBe(false);
      expect((await h.tf.login.verify(challengeId, newer.code)).ok).toBe(true);
    });

    it('only for that user, and never for a step-up', async () => {
      const h = makeTwoFactor(await target.make());
      await enrollTotp(h, 'agent');
      await enrollTotp(h, 'other');
      const issued = await h.tf.admin.issueBackupCode(admin, 'agent');
      expect((await h.tf.login.verify((await startChallenge(h, 'other')).challengeId, issued.code)).ok).toBe(
        false,
      );
      const stepUp = await startChallenge(h, 'agent', { stepUp: true });
      expect((await h.tf.login.verify(stepUp.challengeId, issued.code)).ok).toBe(false);
      expect((await h.tf.login.verify((await startChallenge(h, 'agent')).challengeId, issued.code)).ok).toBe(
        true,
      );
    });

    it('an agent with no method gets no admin code (NOT_ENABLED) and is sent to setup', async () => {
      const h = makeTwoFactor(await target.make(), { policy: { required: true } });
      await expect(h.tf.admin.issueBackupCode(admin, 'agent')).rejects.toMatchObject({ code: 'NOT_ENABLED' });
      expect(h.events.some((e) => e.type === 'admin.backup-code-issued')).toBe(false);
      expect(await h.tf.login.start('agent')).toEqual({ status: 'setup-required' });
    });

    it('reset also lifts an account lock (the user re-enrols from scratch)', async () => {
      const h = makeTwoFactor(await target.make());
      await enrollTotp(h, 'agent');
      for (let i = 0; i < 10; i++) {
        await h.tf.login.verify((await startChallenge(h, 'agent')).challengeId, '000000');
      }
      const locked = await h.tf.login.verify((await startChallenge(h, 'agent')).challengeId, '000000');
      expect(locked).toMatchObject({ reason: 'locked' });
      await h.tf.admin.reset(admin, 'agent');
      const { secret } = await enrollTotp(h, 'agent');
      const start = await startChallenge(h, 'agent');
      expect(
        await h.tf.login.verify(start.challengeId, h.totp.generateCode(secret, h.clock.now())),
      ).toMatchObject({
        ok: true,
      });
    });

    it('an agent who lost the app signs in with the admin code, then re-links a new app', async () => {
      const h = makeTwoFactor(await target.make(), { policy: { required: true } });
      await enrollTotp(h, 'agent');
      const issued = await h.tf.admin.issueBackupCode(admin, 'agent');
      const start = await startChallenge(h, 'agent');
      expect(await h.tf.login.verify(start.challengeId, issued.code)).toMatchObject({
        ok: true,
        method: 'admin-code',
      });
      const relinked = await h.tf.totp.beginSetup('agent', { accountName: 'agent' });
      expect(
        (await h.tf.totp.confirmSetup('agent', h.totp.generateCode(relinked.secret, h.clock.now()))).ok,
      ).toBe(true);
    });

    it('50 concurrent redemptions of one admin code: exactly one succeeds', async () => {
      const h = makeTwoFactor(await target.make());
      await enrollTotp(h, 'agent');
      const issued = await h.tf.admin.issueBackupCode(admin, 'agent');
      const challenges = await Promise.all(Array.from({ length: 50 }, () => startChallenge(h, 'agent')));
      const results = await Promise.all(challenges.map((c) => h.tf.login.verify(c.challengeId, issued.code)));
      expect(results.filter((r) => r.ok)).toHaveLength(1);
    });

    it('reset turns everything off in one step', async () => {
      const h = makeTwoFactor(await target.make());
      const { backupCodes } = await enrollTotp(h, 'agent');
      await enrollEmail(h, 'agent');
      const issued = await h.tf.admin.issueBackupCode(admin, 'agent');
      await h.tf.admin.reset(admin, 'agent');
      expect(await h.tf.status('agent')).toEqual({
        enabled: false,
        totp: false,
        email: null,
        securityKeys: 0,
        backupCodesRemaining: 0,
      });
      expect(await h.tf.login.start('agent')).toEqual({ status: 'not-required' });
      expect(h.events.find((e) => e.type === 'admin.reset')).toMatchObject({ actor: admin, userId: 'agent' });
      // Re-enrolling issues fresh backup codes; the old ones and the admin code stay void.
      const again = await enrollTotp(h, 'agent');
      for (const code of [backupCodes[0]!, issued.code]) {
        expect((await h.tf.login.verify((await startChallenge(h, 'agent')).challengeId, code)).ok).toBe(
          false,
        );
      }
      expect(again.backupCodes).toHaveLength(10);
    });
  });
}
