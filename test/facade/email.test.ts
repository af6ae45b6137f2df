import { describe, expect, it } from 'vitest';
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
  describe.skipIf(target.skip)(`email codes (${target.name})`, () => {
    it('sets up email as the help page does: code by email, confirm, backup codes', async () => {
      const h = makeTwoFactor(await target.make());
      const sent = await h.tf.email.beginSetup('agent', '  Ana.Perez@CloudFon.Example ');
      expect(sent).toEqual({
        ok: true,
        sentTo: 'A***@cloudfon.example',
        expiresAt: h.clock.now() + 10 * MINUTE,
      });
      const mail = h.mailer.lastTo('Ana.Perez@cloudfon.example')!;
      expect(mail.subject).toBe('CloudFon CX: your authentication code');
      expect(mail.text).toMatch(/six-digit authentication code for CloudFon CX is \d{6}/);
      expect(mail.text).toMatch(/expires in 10 minutes/);
      expect(mail.html).toContain('<b>');
      expect(await h.tf.email.confirmSetup('agent', '999999')).toMatchObject({
        ok: false,
        reason: 'invalid-code',
      });
      const result = await h.tf.email.confirmSetup('agent', h.lastEmailCode('Ana.Perez@cloudfon.example'));
      expect(result.ok && result.backupCodes).toHaveLength(10);
      expect(await h.tf.status('agent')).toEqual({
        enabled: true,
        totp: false,
        email: 'A***@cloudfon.example',
        securityKeys: 0,
        backupCodesRemaining: 10,
      });
      await h.tf.disable('agent', 'email');
      expect((await h.tf.status('agent')).enabled).toBe(false);
    });

    it('rejects bad addresses with INVALID_INPUT naming the field', async () => {
      const h = makeTwoFactor(await target.make());
      for (const bad of ['not-an-email', '', 'a@', `${'x'.repeat(300)}@example.com`, null, { to: 'a@b.c' }]) {
        await expect(h.tf.email.beginSetup('agent', bad as string)).rejects.toMatchObject({
          code: 'INVALID_INPUT',
          field: 'address',
        });
      }
    });

    it('a code is valid until 9:59 and void at 10:00', async () => {
      for (const [wait, ok] of [
        [10 * MINUTE - 1000, true],
        [10 * MINUTE, false],
      ] as const) {
        const h = makeTwoFactor(await target.make());
        await h.tf.email.beginSetup('agent', 'a@example.com');
        h.clock.advance(wait);
        expect((await h.tf.email.confirmSetup('agent', h.lastEmailCode('a@example.com'))).ok).toBe(ok);
      }
    });

    it('a newer code voids the older one; resends respect a 60 s cooldown and an hourly cap', async () => {
      const h = makeTwoFactor(await target.make(), { policy: { emailSendsPerHour: 3 } });
      await enrollEmail(h, 'agent', 'a@example.com');
      const { challengeId } = await startChallenge(h, 'agent');
      expect((await h.tf.login.sendEmailCode(challengeId)).ok).toBe(true);
      const first = h.lastEmailCode('a@example.com');
      expect(await h.tf.login.sendEmailCode(challengeId)).toEqual({
        ok: false,
        reason: 'cooldown',
        retryAt: h.clock.now() + MINUTE,
      });
      h.clock.advance(MINUTE);
      expect((await h.tf.login.sendEmailCode(challengeId)).ok).toBe(true);
      const second = h.lastEmailCode('a@example.com');
      h.clock.advance(MINUTE);
      const capped = await h.tf.login.sendEmailCode(challengeId);
      expect(capped).toMatchObject({ ok: false, reason: 'cooldown' });
      expect(
        capped.ok === false && capped.reason === 'cooldown' && capped.retryAt > h.clock.now() + 50 * MINUTE,
      ).toBe(true);
      if (first !== second) {
        expect(await h.tf.login.verify(challengeId, first)).toMatchObject({
          ok: false,
          reason: 'invalid-code',
          attemptsLeft: 4,
        });
      }
      expect(await h.tf.login.verify(challengeId, second)).toMatchObject({ ok: true, method: 'email' });
    });

    it('binds codes to purpose and challenge', async () => {
      const h = makeTwoFactor(await target.make());
      await enrollTotp(h, 'agent');
      // A setup code never completes a login.
      await h.tf.email.beginSetup('agent', 'a@example.com');
      const setupCode = h.lastEmailCode('a@example.com');
      const first = await startChallenge(h, 'agent');
      expect(await h.tf.login.verify(first.challengeId, setupCode)).toMatchObject({ ok: false });
      expect((await h.tf.email.confirmSetup('agent', setupCode)).ok).toBe(true);
      h.clock.advance(MINUTE);
      // A code of one challenge never completes another.
      const a = await startChallenge(h, 'agent');
      const b = await startChallenge(h, 'agent');
      await h.tf.login.sendEmailCode(a.challengeId);
      const codeA = h.lastEmailCode('a@example.com');
      expect(await h.tf.login.verify(b.challengeId, codeA)).toMatchObject({ ok: false });
      expect(await h.tf.login.verify(a.challengeId, codeA)).toMatchObject({ ok: true, method: 'email' });
      // Single use.
      expect(await h.tf.login.verify(a.challengeId, codeA)).toEqual({ ok: false, reason: 'challenge-ended' });
    });

    it('a mailer failure is MAIL_FAILED and the unsent code is void', async () => {
      const h = makeTwoFactor(await target.make());
      await enrollEmail(h, 'agent', 'a@example.com');
      // The "method added" notice goes out in the background: it must not reach the failing mailer below.
      await h.tf.notices.settled();
      const { challengeId } = await startChallenge(h, 'agent');
      let captured = '';
      const original = h.mailer.send.bind(h.mailer);
      h.mailer.send = async (message) => {
        captured = message.text.match(/\d{6}/)?.[0] ?? '';
        throw new Error('smtp down');
      };
      await expect(h.tf.login.sendEmailCode(challengeId)).rejects.toMatchObject({ code: 'MAIL_FAILED' });
      // The failed send still counts against the cooldown (no mail-bombing through failures).
      expect(await h.tf.login.sendEmailCode(challengeId)).toMatchObject({ ok: false, reason: 'cooldown' });
      h.mailer.send = original;
      expect(captured).toMatch(/^\d{6}$/);
      expect(await h.tf.login.verify(challengeId, captured)).toMatchObject({
        ok: false,
        reason: 'invalid-code',
      });
    });
  });
}

describe('EmailCodeIssuer codes', () => {
  it('are uniform six-digit strings', async () => {
    const { EmailCodeIssuer } = await import('../../src/methods/email/email-code-issuer.js');
    const { MemoryStore } = await import('../../src/stores/memory/memory-store.js');
    const { MemoryMailer } = await import('../../src/mail/memory-mailer.js');
    const issuer = new EmailCodeIssuer({
      store: new MemoryStore(),
      mailer: new MemoryMailer(),
      keys: testKey('a'),
      issuer: 'X',
    });
    const firstDigits = new Array(10).fill(0);
    const lastDigits = new Array(10).fill(0);
    for (let i = 0; i < 20_000; i++) {
      const code = issuer.generateCode();
      expect(code).toMatch(/^\d{6}$/);
      firstDigits[Number(code[0])]++;
      lastDigits[Number(code[5])]++;
    }
    // Chi-square with 9 degrees of freedom: 33.7 is the 0.0001 critical value (a biased
    // generator, such as one that never leads with 9, lands far above it).
    for (const counts of [firstDigits, lastDigits]) {
      const chi = counts.reduce((sum, n) => sum + (n - 2000) ** 2 / 2000, 0);
      expect(chi).toBeLessThan(33.7);
    }
  });
});
