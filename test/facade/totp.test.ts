import { describe, expect, it } from 'vitest';
import { FactorkitError } from '../../src/core/errors.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import {
  enrollEmail,
  enrollTotp,
  MINUTE,
  makeTwoFactor,
  startChallenge,
  testKey,
} from '../helpers/harness.js';
import { storesUnderTest } from '../helpers/stores.js';

for (const target of storesUnderTest()) {
  describe.skipIf(target.skip)(`authenticator app (${target.name})`, () => {
    it('links an app: pending until confirmed, then on with 10 backup codes', async () => {
      const h = makeTwoFactor(await target.make());
      const setup = await h.tf.totp.beginSetup('agent-1', { accountName: 'ana@example.com' });
      expect(setup.secret).toMatch(/^[A-Z2-7]{32}$/);
      expect(setup.uri).toBe(
        `otpauth://totp/CloudFon%20CX:ana%40example.com?secret=${setup.secret}&issuer=CloudFon%20CX`,
      );
      expect(setup.qrSvg).toMatch(/^<svg /);
      expect(await h.tf.status('agent-1')).toEqual({
        enabled: false,
        totp: false,
        email: null,
        securityKeys: 0,
        backupCodesRemaining: 0,
      });

      expect(await h.tf.totp.confirmSetup('agent-1', '000000')).toMatchObject({
        ok: false,
        reason: 'invalid-code',
        attemptsLeft: 4,
      });
      expect((await h.tf.status('agent-1')).enabled).toBe(false);

      const result = await h.tf.totp.confirmSetup(
        'agent-1',
        h.totp.generateCode(setup.secret, h.clock.now()),
      );
      expect(result.ok).toBe(true);
      expect(result.ok && result.backupCodes).toHaveLength(10);
      expect(await h.tf.status('agent-1')).toEqual({
        enabled: true,
        totp: true,
        email: null,
        securityKeys: 0,
        backupCodesRemaining: 10,
      });
      expect(h.events.map((e) => e.type)).toContain('totp.enabled');
    });

    it('says when nothing is pending, and expires a pending setup after 15 minutes', async () => {
      const h = makeTwoFactor(await target.make());
      expect(await h.tf.totp.confirmSetup('u', '123456')).toEqual({ ok: false, reason: 'no-pending-setup' });
      const setup = await h.tf.totp.beginSetup('u', { accountName: 'u' });
      h.clock.advance(15 * MINUTE);
      expect(await h.tf.totp.confirmSetup('u', h.totp.generateCode(setup.secret, h.clock.now()))).toEqual({
        ok: false,
        reason: 'expired',
      });
    });

    it('a pending setup ends when the set of methods changes (another enabled, one turned off)', async () => {
      const h = makeTwoFactor(await target.make());
      const pending = await h.tf.totp.beginSetup('u', { accountName: 'u' });
      await enrollEmail(h, 'u');
      expect(await h.tf.totp.confirmSetup('u', h.totp.generateCode(pending.secret, h.clock.now()))).toEqual({
        ok: false,
        reason: 'no-pending-setup',
      });
      const again = await h.tf.totp.beginSetup('u', { accountName: 'u' });
      await h.tf.disable('u', 'email');
      expect(await h.tf.totp.confirmSetup('u', h.totp.generateCode(again.secret, h.clock.now()))).toEqual({
        ok: false,
        reason: 'no-pending-setup',
      });
      expect((await h.tf.status('u')).enabled).toBe(false);
    });

    it('a new beginSetup replaces the pending secret and leaves the active one alone', async () => {
      const h = makeTwoFactor(await target.make());
      const { secret } = await enrollTotp(h, 'u');
      const first = await h.tf.totp.beginSetup('u', { accountName: 'u' });
      const second = await h.tf.totp.beginSetup('u', { accountName: 'u' });
      expect(
        await h.tf.totp.confirmSetup('u', h.totp.generateCode(first.secret, h.clock.now())),
      ).toMatchObject({ ok: false });
      // The active secret still signs in.
      const challenge = await startChallenge(h, 'u');
      expect(
        await h.tf.login.verify(challenge.challengeId, h.totp.generateCode(secret, h.clock.now())),
      ).toMatchObject({ ok: true, method: 'totp' });
      h.clock.advance(30_000);
      expect(await h.tf.totp.confirmSetup('u', h.totp.generateCode(second.secret, h.clock.now()))).toEqual({
        ok: true,
      });
    });

    it('never accepts a step twice: the confirming code cannot sign in, nor can a used login code', async () => {
      const h = makeTwoFactor(await target.make());
      const setup = await h.tf.totp.beginSetup('u', { accountName: 'u' });
      const code = h.totp.generateCode(setup.secret, h.clock.now());
      expect((await h.tf.totp.confirmSetup('u', code)).ok).toBe(true);
      const first = await startChallenge(h, 'u');
      expect(await h.tf.login.verify(first.challengeId, code)).toMatchObject({
        ok: false,
        reason: 'invalid-code',
      });
      expect(h.events.map((e) => e.type)).toContain('code.replayed');
      h.clock.advance(30_000);
      const next = h.totp.generateCode(setup.secret, h.clock.now());
      expect(await h.tf.login.verify(first.challengeId, next)).toMatchObject({ ok: true });
      const second = await startChallenge(h, 'u');
      expect(await h.tf.login.verify(second.challengeId, next)).toMatchObject({
        ok: false,
        reason: 'invalid-code',
      });
      // An earlier step inside the window is refused too.
      const earlier = h.totp.generateCode(setup.secret, h.clock.now() - 30_000);
      expect(await h.tf.login.verify(second.challengeId, earlier)).toMatchObject({
        ok: false,
        reason: 'invalid-code',
      });
    });

    it('50 concurrent logins with one TOTP code on 50 challenges: exactly one succeeds', async () => {
      const h = makeTwoFactor(await target.make());
      const { secret } = await enrollTotp(h, 'u');
      const challenges = await Promise.all(Array.from({ length: 50 }, () => startChallenge(h, 'u')));
      const code = h.totp.generateCode(secret, h.clock.now());
      const results = await Promise.all(challenges.map((c) => h.tf.login.verify(c.challengeId, code)));
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      // Each other one that was evaluated (the account locks after its free failures) is a replay of
      // the winner's step, reported as one, whether it saw the floor moved or lost the race to move it.
      const failed = h.events.filter((e) => e.type === 'verify.failed');
      expect(failed.length).toBeGreaterThan(0);
      expect(h.events.filter((e) => e.type === 'code.replayed')).toHaveLength(failed.length);
    });

    it('turns off: status, events, login no longer asks', async () => {
      const h = makeTwoFactor(await target.make());
      await enrollTotp(h, 'u');
      await h.tf.disable('u', 'totp');
      expect(await h.tf.status('u')).toEqual({
        enabled: false,
        totp: false,
        email: null,
        securityKeys: 0,
        backupCodesRemaining: 0,
      });
      expect(await h.tf.login.start('u')).toEqual({ status: 'not-required' });
      expect(h.events.map((e) => e.type)).toContain('totp.disabled');
    });
  });
}

describe('secrets at rest', () => {
  it('a dump of the store shows no TOTP secret and no code', async () => {
    const store = new MemoryStore();
    const h = makeTwoFactor(store);
    const { secret, backupCodes } = await enrollTotp(h, 'u');
    const admin = await h.tf.admin.issueBackupCode({ id: 'boss', roles: ['admin'] }, 'u');
    const dump = JSON.stringify([...(store as unknown as { records: Map<string, unknown> }).records]);
    expect(dump).not.toContain(secret);
    expect(dump.toLowerCase()).not.toContain(secret.toLowerCase());
    for (const code of [...backupCodes, admin.code]) {
      expect(dump).not.toContain(code);
      expect(dump).not.toContain(code.replace(/-/g, ''));
    }
  });

  it('rotating keys keeps existing users working', async () => {
    const store = new MemoryStore();
    const old = makeTwoFactor(store, { keys: testKey('a') });
    const { secret, backupCodes } = await enrollTotp(old, 'u');
    const rotated = makeTwoFactor(store, { keys: { current: testKey('b'), previous: testKey('a') } });
    rotated.clock.set(old.clock.now());
    const challenge = await startChallenge(rotated, 'u');
    expect(
      await rotated.tf.login.verify(
        challenge.challengeId,
        rotated.totp.generateCode(secret, rotated.clock.now()),
      ),
    ).toMatchObject({ ok: true });
    const second = await startChallenge(rotated, 'u');
    expect(await rotated.tf.login.verify(second.challengeId, backupCodes[0]!)).toMatchObject({
      ok: true,
      method: 'backup-code',
    });
  });

  it('refuses short keys and bad options at start-up with CONFIG naming the option', () => {
    const store = new MemoryStore();
    expect(() => makeTwoFactor(store, { keys: 'short' })).toThrow(/keys\.current/);
    expect(() => makeTwoFactor(store, { keys: 'ab'.repeat(16).slice(0, 62) })).toThrow(FactorkitError);
    expect(() => makeTwoFactor(store, { issuer: '' })).toThrow(/options\.issuer/);
    expect(() => makeTwoFactor(store, { policy: { frequency: 'sometimes' as 'every-login' } })).toThrow(
      /policy\.frequency/,
    );
    try {
      makeTwoFactor(store, { mailer: {} as never });
    } catch (error) {
      expect(error).toMatchObject({ code: 'CONFIG', field: 'options.mailer' });
    }
  });
});
