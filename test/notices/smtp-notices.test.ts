import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpMailer } from '../../src/mail/smtp-mailer.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { enrollTotp, makeTwoFactor, startChallenge } from '../helpers/harness.js';
import { startSmtpServer } from '../helpers/smtp-server.js';

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(() => smtp.close());

describe('security notices through SmtpMailer to a real SMTP server', () => {
  it('every kind arrives as a valid text and HTML message to the account address', async () => {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: smtp.port,
      secure: false,
      ignoreTLS: true,
    });
    const h = makeTwoFactor(new MemoryStore(), {
      mailer: new SmtpMailer({ transport, from: '"CloudFon CX" <no-reply@cloudfon.example>' }),
      noticeAddress: () => 'ana@account.example',
      policy: { frequency: { trustDays: 14 } },
    });
    const admin = { id: 'site-admin', roles: ['admin'] };
    const { secret } = await enrollTotp(h, 'ana'); // method-added
    await h.tf.email.beginSetup('ana', 'ana@2fa.example');
    const emailed = smtp.received.findLast((m) => m.rcpt.includes('ana@2fa.example'))!;
    const code = emailed.parsed.text?.match(/\b(\d{6})\b/)?.[1] ?? '';
    expect(await h.tf.email.confirmSetup('ana', code)).toMatchObject({ ok: true });
    await h.tf.disable('ana', 'email'); // method-removed
    const codes = await h.tf.backupCodes.regenerate('ana'); // backup-codes-regenerated
    for (const code of codes.slice(0, 8)) {
      const { challengeId } = await startChallenge(h, 'ana');
      await h.tf.login.verify(challengeId, code); // backup-codes-low at 2 left
    }
    h.clock.advance(30_000);
    const { challengeId } = await startChallenge(h, 'ana');
    await h.tf.login.verify(challengeId, h.totp.generateCode(secret, h.clock.now()), {
      rememberDevice: true,
      deviceLabel: 'Safari on iPhone',
    }); // new-trusted-browser
    const locked = await startChallenge(h, 'ana');
    for (const code of ['000000', '000001', '000002']) await h.tf.login.verify(locked.challengeId, code); // suspicious-sign-in
    await h.tf.admin.issueBackupCode(admin, 'ana'); // admin-code-issued
    await h.tf.admin.reset(admin, 'ana'); // admin-reset
    h.clock.advance(30_000); // the replay floor outlives the reset
    await enrollTotp(h, 'ana');
    await h.tf.disable('ana', 'totp'); // two-factor-off
    await h.tf.notices.settled();
    transport.close();

    const notices = smtp.received.filter((m) => m.rcpt.includes('ana@account.example'));
    const subjects = notices.map((m) => m.parsed.subject?.replace('CloudFon CX: ', ''));
    for (const subject of [
      'an authenticator app was added to your account',
      'email codes was removed from your account',
      'new backup codes',
      '2 backup codes left',
      'a new browser will not ask for codes',
      'someone may have your password',
      'an administrator issued you a sign-in code',
      'an administrator reset your two-factor authentication',
      'two-factor authentication is off',
    ])
      expect(subjects).toContain(subject);
    for (const mail of notices) {
      expect(mail.parsed.from?.text).toBe('"CloudFon CX" <no-reply@cloudfon.example>');
      expect(mail.parsed.text).toMatch(/CloudFon CX account/);
      expect(mail.parsed.html).toMatch(/^<p>/);
      expect(mail.raw).toMatch(/Content-Type: multipart\/alternative/);
    }
    expect(h.events.filter((e) => e.type === 'notice.failed' || e.type === 'notice.limited')).toEqual([]);
  });
});
