import { describe, expect, it } from 'vitest';
import { DAY, enrollEmail, enrollTotp, MINUTE, makeTwoFactor, startChallenge } from '../helpers/harness.js';
import { storesUnderTest } from '../helpers/stores.js';

const FIVE_MINUTES = 5 * MINUTE;

for (const target of storesUnderTest()) {
  describe.skipIf(target.skip)(`login (${target.name})`, () => {
    it('walks the help page: password, code page, each factor', async () => {
      const h = makeTwoFactor(await target.make());
      expect(await h.tf.login.start('agent')).toEqual({ status: 'not-required' });
      const { secret, backupCodes } = await enrollTotp(h, 'agent');
      await enrollEmail(h, 'agent', 'agent@cloudfon.example');

      const byApp = await startChallenge(h, 'agent');
      expect(byApp.methods).toEqual(['totp', 'email', 'backup-code']);
      expect(byApp.expiresAt).toBe(h.clock.now() + 15 * MINUTE);
      expect(
        await h.tf.login.verify(byApp.challengeId, h.totp.generateCode(secret, h.clock.now())),
      ).toMatchObject({
        ok: true,
        userId: 'agent',
        method: 'totp',
      });

      const byEmail = await startChallenge(h, 'agent');
      expect(await h.tf.login.sendEmailCode(byEmail.challengeId)).toMatchObject({
        ok: true,
        sentTo: 'a***@cloudfon.example',
      });
      expect(h.mailer.lastTo('agent@cloudfon.example')?.subject).toBe(
        'CloudFon CX: your authentication code',
      );
      expect(
        await h.tf.login.verify(byEmail.challengeId, h.lastEmailCode('agent@cloudfon.example')),
      ).toMatchObject({ ok: true, method: 'email' });

      const byBackup = await startChallenge(h, 'agent');
      expect(
        await h.tf.login.verify(byBackup.challengeId, backupCodes[3]!.toUpperCase().replace(/-/g, ' ')),
      ).toMatchObject({
        ok: true,
        method: 'backup-code',
      });
      expect((await h.tf.status('agent')).backupCodesRemaining).toBe(9);
    });

    it('counts attempts exactly as the help page says', async () => {
      const h = makeTwoFactor(await target.make());
      const { secret } = await enrollTotp(h, 'agent');
      const { challengeId } = await startChallenge(h, 'agent');
      const verify = (code = '000000') => h.tf.login.verify(challengeId, code);
      expect(await verify()).toEqual({ ok: false, reason: 'invalid-code', attemptsLeft: 4 });
      expect(await verify()).toEqual({ ok: false, reason: 'invalid-code', attemptsLeft: 3 });
      const third = await verify();
      expect(third).toEqual({
        ok: false,
        reason: 'locked',
        retryAt: h.clock.now() + FIVE_MINUTES,
        attemptsLeft: 2,
        message: 'Please try again in five minutes.',
      });
      // During the lock a correct code is not even evaluated, and the answer looks the same.
      h.clock.advance(FIVE_MINUTES - 1000);
      const wrongDuringLock = await verify('111111');
      const rightDuringLock = await verify(h.totp.generateCode(secret, h.clock.now()));
      expect(rightDuringLock).toEqual(wrongDuringLock);
      expect(rightDuringLock).toMatchObject({ reason: 'locked', attemptsLeft: 2 });
      h.clock.advance(1000);
      expect(await verify()).toMatchObject({
        reason: 'locked',
        message: 'Please try again in five minutes.',
        attemptsLeft: 1,
      });
      h.clock.advance(FIVE_MINUTES);
      expect(await verify()).toEqual({ ok: false, reason: 'challenge-ended' });
      expect(await verify(h.totp.generateCode(secret, h.clock.now()))).toEqual({
        ok: false,
        reason: 'challenge-ended',
      });
      const types = h.events.map((e) => e.type);
      expect(types.filter((t) => t === 'verify.failed')).toHaveLength(5);
      expect(types.filter((t) => t === 'challenge.locked')).toHaveLength(2);
      expect(types).toContain('challenge.ended');
    });

    it('a user who waits out both locks can still make the fifth attempt past 15 minutes', async () => {
      const h = makeTwoFactor(await target.make());
      const { secret } = await enrollTotp(h, 'agent');
      const { challengeId } = await startChallenge(h, 'agent');
      await h.tf.login.verify(challengeId, '000000');
      await h.tf.login.verify(challengeId, '000000');
      h.clock.advance(9 * MINUTE);
      await h.tf.login.verify(challengeId, '000000'); // locks until 14:00
      h.clock.advance(FIVE_MINUTES);
      await h.tf.login.verify(challengeId, '000000'); // locks until 19:00
      h.clock.advance(FIVE_MINUTES);
      expect(await h.tf.login.verify(challengeId, h.totp.generateCode(secret, h.clock.now()))).toMatchObject({
        ok: true,
      });
    });

    it('expires a challenge after 15 minutes', async () => {
      const h = makeTwoFactor(await target.make());
      const { secret } = await enrollTotp(h, 'agent');
      const { challengeId } = await startChallenge(h, 'agent');
      h.clock.advance(15 * MINUTE);
      expect(await h.tf.login.verify(challengeId, h.totp.generateCode(secret, h.clock.now()))).toEqual({
        ok: false,
        reason: 'expired',
      });
      expect(await h.tf.login.verify('nope', '123456')).toEqual({ ok: false, reason: 'unknown-challenge' });
    });

    it('a challenge belongs to one user: another user’s code does not complete it', async () => {
      const h = makeTwoFactor(await target.make());
      await enrollTotp(h, 'alice');
      const bob = await enrollTotp(h, 'bob');
      const { challengeId } = await startChallenge(h, 'alice');
      expect(
        await h.tf.login.verify(challengeId, h.totp.generateCode(bob.secret, h.clock.now())),
      ).toMatchObject({ ok: false });
      expect(await h.tf.login.verify(challengeId, bob.backupCodes[0]!)).toMatchObject({ ok: false });
    });

    it('50 concurrent correct verifies of one challenge: exactly one ok', async () => {
      const h = makeTwoFactor(await target.make());
      const { backupCodes } = await enrollTotp(h, 'agent');
      const { challengeId } = await startChallenge(h, 'agent');
      const results = await Promise.all(
        backupCodes
          .slice(0, 10)
          .flatMap((code) => Array.from({ length: 5 }, () => h.tf.login.verify(challengeId, code))),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect((await h.tf.status('agent')).backupCodesRemaining).toBeGreaterThanOrEqual(9);
    });

    it('100 concurrent wrong guesses on one challenge evaluate at most 3 codes', async () => {
      const h = makeTwoFactor(await target.make());
      await enrollTotp(h, 'agent');
      const { challengeId } = await startChallenge(h, 'agent');
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) => h.tf.login.verify(challengeId, String(100000 + i))),
      );
      expect(h.events.filter((e) => e.type === 'verify.failed')).toHaveLength(3);
      expect(results.filter((r) => !r.ok && r.reason === 'locked')).toHaveLength(98);
    });

    it('new challenges, resends and other methods never reset the account count', async () => {
      const h = makeTwoFactor(await target.make());
      await enrollTotp(h, 'agent');
      await enrollEmail(h, 'agent');
      let evaluated = 0;
      for (let round = 0; round < 4; round++) {
        const { challengeId } = await startChallenge(h, 'agent');
        await h.tf.login.sendEmailCode(challengeId);
        for (let i = 0; i < 3; i++) {
          const r = await h.tf.login.verify(challengeId, i === 0 ? 'aaaa-bbbb-cccc-dddd' : '000000');
          if (
            !(
              r.ok === false &&
              r.reason === 'locked' &&
              h.events.at(-1)?.type !== 'challenge.locked' &&
              h.events.at(-1)?.type !== 'account.locked'
            )
          )
            evaluated++;
        }
        h.clock.advance(61_000);
      }
      expect(h.events.filter((e) => e.type === 'verify.failed')).toHaveLength(10);
      expect(h.events.filter((e) => e.type === 'account.locked')).toHaveLength(1);
      const { challengeId } = await startChallenge(h, 'agent');
      expect(await h.tf.login.verify(challengeId, '000000')).toMatchObject({
        ok: false,
        reason: 'locked',
        attemptsLeft: 5,
      });
      expect(evaluated).toBeGreaterThanOrEqual(10);
    });

    it('30 simulated days of an attacker who knows the password: fewer than 25 codes evaluated (p < 1e-4)', async () => {
      const h = makeTwoFactor(await target.make());
      await enrollTotp(h, 'victim');
      await enrollEmail(h, 'victim');
      const end = h.clock.now() + 30 * DAY;
      let calls = 0;
      // The attacker's best play: guess until refused; a challenge lock is dodged by starting a new
      // challenge at once, an account lock can only be waited out.
      while (h.clock.now() < end && calls < 5_000) {
        const { challengeId } = await startChallenge(h, 'victim');
        await h.tf.login.sendEmailCode(challengeId);
        let result = await h.tf.login.verify(challengeId, String(calls % 1_000_000).padStart(6, '0'));
        calls++;
        while (!result.ok && result.reason === 'invalid-code') {
          result = await h.tf.login.verify(challengeId, String(calls % 1_000_000).padStart(6, '0'));
          calls++;
        }
        const accountLocked =
          !result.ok && result.reason === 'locked' && result.retryAt - h.clock.now() > FIVE_MINUTES;
        h.clock.set(
          accountLocked && !result.ok && result.reason === 'locked' ? result.retryAt : h.clock.now() + 1000,
        );
      }
      const guesses = h.events.filter((e) => e.type === 'verify.failed').length;
      // Each guess matches at most 3 TOTP codes (window ±1) plus 1 email code: 4 in 10^6.
      expect(guesses).toBeGreaterThanOrEqual(10);
      expect(guesses).toBeLessThan(25);
      expect(guesses * 4e-6).toBeLessThan(1e-4);
    }, 120_000);

    it("with resetAccountOnSuccess (default), each of the user's sign-ins gives the attacker 9 more guesses: at most 9 per sign-in + 19", async () => {
      const h = makeTwoFactor(await target.make());
      const victim = await enrollTotp(h, 'victim');
      let victimLogins = 0;
      let calls = 0;
      const guess = async (challengeId: string) =>
        h.tf.login.verify(challengeId, String(calls++ % 1_000_000).padStart(6, '0'));
      // The attacker stays under the account lock (9 failures) and lets the user's daily sign-in reset
      // the count; challenge locks are dodged by starting a new challenge.
      for (let day = 0; day < 30; day++) {
        let failures = 0;
        while (failures < 9) {
          const { challengeId } = await startChallenge(h, 'victim');
          for (let i = 0; i < 2 && failures < 9; i++) {
            expect(await guess(challengeId)).toMatchObject({ reason: 'invalid-code' });
            failures++;
          }
        }
        h.clock.advance(DAY);
        const { challengeId } = await startChallenge(h, 'victim');
        const code = h.totp.generateCode(victim.secret, h.clock.now());
        if ((await h.tf.login.verify(challengeId, code)).ok) victimLogins++;
      }
      const guesses = h.events.filter((e) => e.type === 'verify.failed').length;
      expect(victimLogins).toBe(30);
      expect(guesses).toBe(270);
      // docs/security.md: guesses <= 9 x (the user's sign-ins) + 19 in any 30 days.
      expect(guesses).toBeLessThanOrEqual(9 * victimLogins + 19);
    }, 120_000);

    it('without resetAccountOnSuccess a success is given back: sign-ins never count, failures accumulate', async () => {
      const h = makeTwoFactor(await target.make(), {
        policy: { attempts: { resetAccountOnSuccess: false } },
      });
      const { secret } = await enrollTotp(h, 'agent');
      for (let i = 0; i < 15; i++) {
        const { challengeId } = await startChallenge(h, 'agent');
        expect(
          await h.tf.login.verify(challengeId, h.totp.generateCode(secret, h.clock.now())),
        ).toMatchObject({
          ok: true,
        });
        h.clock.advance(30_000);
      }
      for (let i = 0; i < 9; i++) {
        const { challengeId } = await startChallenge(h, 'agent');
        expect(await h.tf.login.verify(challengeId, '000000')).toMatchObject({ reason: 'invalid-code' });
      }
      const { challengeId } = await startChallenge(h, 'agent');
      expect(await h.tf.login.verify(challengeId, '000000')).toMatchObject({ reason: 'locked' });
    });

    it('a success resets the account count when the policy says so, and only then', async () => {
      for (const reset of [true, false]) {
        const h = makeTwoFactor(await target.make(), {
          policy: { attempts: { resetAccountOnSuccess: reset } },
        });
        const { secret } = await enrollTotp(h, 'agent');
        for (let i = 0; i < 3; i++) {
          const { challengeId } = await startChallenge(h, 'agent');
          await h.tf.login.verify(challengeId, '000000');
          await h.tf.login.verify(challengeId, '000000');
          await h.tf.login.verify(challengeId, '000000');
        }
        const { challengeId } = await startChallenge(h, 'agent');
        expect(
          await h.tf.login.verify(challengeId, h.totp.generateCode(secret, h.clock.now())),
        ).toMatchObject({ ok: true });
        const next = await startChallenge(h, 'agent');
        const r = await h.tf.login.verify(next.challengeId, '000000');
        // Without reset the success is given back: 9 failures, then the 10th locks the account.
        expect(r).toMatchObject(reset ? { reason: 'invalid-code', attemptsLeft: 4 } : { reason: 'locked' });
      }
    });
  });

  describe.skipIf(target.skip)(`trusted browsers (${target.name})`, () => {
    it('14-day trust: skip the code until day 14, then ask again', async () => {
      const h = makeTwoFactor(await target.make(), { policy: { frequency: { trustDays: 14 } } });
      const { secret } = await enrollTotp(h, 'agent');
      const { challengeId } = await startChallenge(h, 'agent');
      const ok = await h.tf.login.verify(challengeId, h.totp.generateCode(secret, h.clock.now()), {
        rememberDevice: true,
        deviceLabel: 'Chrome on Linux',
      });
      expect(ok).toMatchObject({ ok: true, deviceExpiresAt: h.clock.now() + 14 * DAY });
      const token = ok.ok ? ok.deviceToken! : '';
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(await h.tf.login.start('agent', { deviceToken: token })).toMatchObject({
        status: 'trusted-device',
      });
      // A cleared cookie or another browser: no token, so a code again.
      expect((await h.tf.login.start('agent')).status).toBe('challenge');
      // Another user's login, a tampered token: not trusted.
      await enrollTotp(h, 'other');
      expect((await h.tf.login.start('other', { deviceToken: token })).status).toBe('challenge');
      expect(
        (
          await h.tf.login.start('agent', {
            deviceToken: `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`,
          })
        ).status,
      ).toBe('challenge');
      const devices = await h.tf.devices.list('agent');
      expect(devices).toHaveLength(1);
      expect(devices[0]).toMatchObject({
        label: 'Chrome on Linux',
        expiresAt: ok.ok ? ok.deviceExpiresAt : 0,
      });
      // Not sliding: using the browser on day 13 does not extend it.
      h.clock.set(ok.ok ? ok.deviceExpiresAt! - 1000 : 0);
      expect((await h.tf.login.start('agent', { deviceToken: token })).status).toBe('trusted-device');
      h.clock.advance(2000);
      expect((await h.tf.login.start('agent', { deviceToken: token })).status).toBe('challenge');
    });

    it('every-login never remembers, and switching to it makes every trusted browser ask again', async () => {
      const h = makeTwoFactor(await target.make(), { policy: { frequency: { trustDays: 14 } } });
      const { secret } = await enrollTotp(h, 'agent');
      const { challengeId } = await startChallenge(h, 'agent');
      const ok = await h.tf.login.verify(challengeId, h.totp.generateCode(secret, h.clock.now()), {
        rememberDevice: true,
      });
      const token = ok.ok ? ok.deviceToken! : '';
      await h.tf.policy.set({ frequency: 'every-login' });
      expect((await h.tf.login.start('agent', { deviceToken: token })).status).toBe('challenge');
      h.clock.advance(MINUTE);
      const again = await startChallenge(h, 'agent');
      h.clock.advance(30_000);
      const noDevice = await h.tf.login.verify(
        again.challengeId,
        h.totp.generateCode(secret, h.clock.now()),
        { rememberDevice: true },
      );
      expect(noDevice).toMatchObject({ ok: true });
      expect(noDevice.ok && noDevice.deviceToken).toBeFalsy();
      // Back to 14 days: browsers trusted before the switch stay untrusted.
      await h.tf.policy.set({ frequency: { trustDays: 14 } });
      expect((await h.tf.login.start('agent', { deviceToken: token })).status).toBe('challenge');
    });

    it('revoke, revokeAll, disabling a method and admin reset end trusted browsers', async () => {
      const h = makeTwoFactor(await target.make(), { policy: { frequency: { trustDays: 14 } } });
      const { secret } = await enrollTotp(h, 'agent');
      await enrollEmail(h, 'agent');
      const trust = async () => {
        const { challengeId } = await startChallenge(h, 'agent');
        h.clock.advance(30_000);
        const r = await h.tf.login.verify(challengeId, h.totp.generateCode(secret, h.clock.now()), {
          rememberDevice: true,
        });
        if (!r.ok || !r.deviceToken) throw new Error('no token');
        return r;
      };
      const a = await trust();
      const b = await trust();
      expect(await h.tf.devices.list('agent')).toHaveLength(2);
      expect(await h.tf.devices.revoke('agent', a.deviceId!)).toBe(true);
      expect((await h.tf.login.start('agent', { deviceToken: a.deviceToken })).status).toBe('challenge');
      expect((await h.tf.login.start('agent', { deviceToken: b.deviceToken })).status).toBe('trusted-device');
      await h.tf.devices.revokeAll('agent');
      expect((await h.tf.login.start('agent', { deviceToken: b.deviceToken })).status).toBe('challenge');
      const c = await trust();
      await h.tf.disable('agent', 'email');
      expect((await h.tf.login.start('agent', { deviceToken: c.deviceToken })).status).toBe('challenge');
      const d = await trust();
      await h.tf.admin.reset({ id: 'boss', roles: ['admin'] }, 'agent');
      expect(await h.tf.devices.list('agent')).toEqual([]);
      expect((await h.tf.login.start('agent', { deviceToken: d.deviceToken })).status).toBe('not-required');
    });

    it('a revoke landing between a trusted browser is read and marked used wins; two tabs at once are both trusted', async () => {
      const real = await target.make();
      let revokeFirst = false;
      // Runs revokeAll just before the next conditional write of the user's trusted browsers.
      const store: typeof real = Object.create(real, {
        commit: {
          value: async (...args: Parameters<typeof real.commit>) => {
            const marksUsed = args[0].some((op) => op.type === 'merge' && op.match !== undefined);
            if (revokeFirst && marksUsed) {
              revokeFirst = false;
              await h.tf.devices.revokeAll('agent');
            }
            return real.commit(...args);
          },
        },
      });
      const h = makeTwoFactor(store, { policy: { frequency: { trustDays: 14 } } });
      const { secret } = await enrollTotp(h, 'agent');
      const { challengeId } = await startChallenge(h, 'agent');
      const trusted = await h.tf.login.verify(challengeId, h.totp.generateCode(secret, h.clock.now()), {
        rememberDevice: true,
      });
      if (!trusted.ok || !trusted.deviceToken) throw new Error('no token');
      const token = trusted.deviceToken;
      // Two tabs of one browser at once: one marks it used first, the other still finds it.
      const tabs = await Promise.all([
        h.tf.login.start('agent', { deviceToken: token }),
        h.tf.login.start('agent', { deviceToken: token }),
      ]);
      expect(tabs.map((tab) => tab.status)).toEqual(['trusted-device', 'trusted-device']);
      h.clock.advance(1000);
      revokeFirst = true;
      expect((await h.tf.login.start('agent', { deviceToken: token })).status).toBe('challenge');
      expect(revokeFirst).toBe(false);
    });

    it('policy required: a user without a method is sent to setup', async () => {
      const h = makeTwoFactor(await target.make(), { policy: { required: true } });
      expect(await h.tf.login.start('new-agent')).toEqual({ status: 'setup-required' });
    });

    it('step-up always asks, even on a trusted browser', async () => {
      const h = makeTwoFactor(await target.make(), { policy: { frequency: { trustDays: 14 } } });
      const { secret } = await enrollTotp(h, 'agent');
      const { challengeId } = await startChallenge(h, 'agent');
      const r = await h.tf.login.verify(challengeId, h.totp.generateCode(secret, h.clock.now()), {
        rememberDevice: true,
      });
      const token = r.ok ? r.deviceToken : undefined;
      const stepUp = await startChallenge(h, 'agent', { deviceToken: token!, stepUp: true });
      h.clock.advance(30_000);
      expect(
        await h.tf.login.verify(stepUp.challengeId, h.totp.generateCode(secret, h.clock.now())),
      ).toMatchObject({ ok: true, purpose: 'step-up' });
    });
  });
}

describe('policy storage', () => {
  it('keeps only what policy.set changed, so later code defaults still apply', async () => {
    const { MemoryStore } = await import('../../src/stores/memory/memory-store.js');
    const store = new MemoryStore();
    const first = makeTwoFactor(store, { policy: { emailSendsPerHour: 5 } });
    await first.tf.policy.set({ frequency: { trustDays: 14 } });
    const redeployed = makeTwoFactor(store, { policy: { emailSendsPerHour: 7 } });
    expect(await redeployed.tf.policy.get()).toMatchObject({
      frequency: { trustDays: 14 },
      emailSendsPerHour: 7,
    });
    await redeployed.tf.policy.set({ attempts: { lockMs: 600_000 } });
    expect(await redeployed.tf.policy.get()).toMatchObject({
      frequency: { trustDays: 14 },
      attempts: { lockMs: 600_000, perChallenge: 5 },
    });
  });
});

describe('policy updates', () => {
  it('concurrent policy.set calls never lose a change', async () => {
    const { MemoryStore } = await import('../../src/stores/memory/memory-store.js');
    const h = makeTwoFactor(new MemoryStore());
    await Promise.all([
      h.tf.policy.set({ emailSendsPerHour: 3 }),
      h.tf.policy.set({ required: true }),
      h.tf.policy.set({ frequency: { trustDays: 7 } }),
    ]);
    expect(await h.tf.policy.get()).toMatchObject({
      emailSendsPerHour: 3,
      required: true,
      frequency: { trustDays: 7 },
    });
  });
});
