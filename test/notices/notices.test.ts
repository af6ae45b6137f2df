import { describe, expect, it, vi } from 'vitest';
import { withRequest } from '../../src/core/request-scope.js';
import { MemorySender } from '../../src/entries/index.js';
import type { MailMessage } from '../../src/mail/mailer.js';
import { MemoryMailer } from '../../src/mail/memory-mailer.js';
import type { Notice } from '../../src/mail/notice-messages.js';
import { enrollEmail, enrollTotp, type Harness, makeTwoFactor, startChallenge } from '../helpers/harness.js';
import { storesUnderTest } from '../helpers/stores.js';

const admin = { id: 'site-admin', roles: ['admin'] };
const address = (userId: string) => `${userId}@account.example`;

/** A facade whose notices go to the account address; its notices, once every one in flight is done. */
async function harness(
  store: Awaited<ReturnType<ReturnType<typeof storesUnderTest>[number]['make']>>,
  overrides = {},
) {
  const h = makeTwoFactor(store, { noticeAddress: address, ...overrides });
  const notices = async (userId: string) => {
    await h.tf.notices.settled();
    return h.mailer.sent.filter((m) => m.to === address(userId));
  };
  return { ...h, notices };
}
const subjects = (mails: MailMessage[]) => mails.map((m) => m.subject);

async function lockLogin(h: Harness, userId: string, options?: { stepUp?: boolean }) {
  const { challengeId } = await startChallenge(h, userId, options);
  for (const code of ['000000', '000001', '000002']) await h.tf.login.verify(challengeId, code);
}

// A memory store, and a real one for the budget (an attempt counter taken in the store).
for (const target of storesUnderTest().filter((t) => t.name === 'memory' || t.name === 'sqlite')) {
  describe(`security notices through the MemoryMailer (${target.name})`, () => {
    it('a method added, and its backup codes without a notice of their own', async () => {
      const h = await harness(await target.make());
      await enrollTotp(h, 'ana');
      expect(subjects(await h.notices('ana'))).toEqual([
        'CloudFon CX: an authenticator app was added to your account',
      ]);
    });

    it('a method removed, then 2FA turned off with the last one', async () => {
      const h = await harness(await target.make());
      await enrollTotp(h, 'ana');
      await enrollEmail(h, 'ana', 'ana@2fa.example');
      await h.tf.disable('ana', 'email');
      await h.tf.disable('ana', 'totp');
      expect(subjects(await h.notices('ana')).slice(2)).toEqual([
        'CloudFon CX: email codes was removed from your account',
        'CloudFon CX: two-factor authentication is off',
      ]);
    });

    it('a method named by its own module: text-message codes added, then removed', async () => {
      const sender = new MemorySender();
      const h = await harness(await target.make(), { phone: { sender } });
      await enrollTotp(h, 'ana');
      await h.tf.phone.beginSetup('ana', '+442079460958');
      const code = sender.lastTo('+442079460958')?.text.match(/\b(\d{6})\b/)?.[1] ?? '';
      expect((await h.tf.phone.confirmSetup('ana', code)).ok).toBe(true);
      await h.tf.disable('ana', 'phone');
      const [added, removed] = (await h.notices('ana')).slice(1);
      expect(added!.subject).toBe('CloudFon CX: text-message codes was added to your account');
      expect(added!.text).toContain('Text-message codes was added to the two-factor authentication');
      expect(removed!.subject).toBe('CloudFon CX: text-message codes was removed from your account');
    });

    it('backup codes regenerated, and running low (2 or fewer left)', async () => {
      const h = await harness(await target.make());
      const { backupCodes } = await enrollTotp(h, 'ana');
      await h.tf.backupCodes.regenerate('ana');
      expect(subjects(await h.notices('ana'))).toContain('CloudFon CX: new backup codes');
      const codes = await h.tf.backupCodes.regenerate('ana');
      expect(backupCodes).not.toEqual(codes);
      for (const code of codes.slice(0, 8)) {
        const { challengeId } = await startChallenge(h, 'ana');
        expect((await h.tf.login.verify(challengeId, code)).ok).toBe(true);
      }
      const low = (await h.notices('ana')).filter((m) => m.subject.includes('left'));
      expect(subjects(low)).toEqual(['CloudFon CX: 2 backup codes left']);
      expect(low[0]!.text).toContain('You have 2 left');
    });

    it('an admin issued a code, and reset 2FA: who and when', async () => {
      const h = await harness(await target.make());
      await enrollTotp(h, 'ana');
      await h.tf.admin.issueBackupCode(admin, 'ana');
      await h.tf.admin.reset(admin, 'ana');
      const [issued, reset] = (await h.notices('ana')).slice(1);
      expect(issued!.subject).toBe('CloudFon CX: an administrator issued you a sign-in code');
      expect(issued!.text).toContain('Administrator site-admin issued');
      expect(issued!.text).toContain('28 Nov 2026, 09:00 UTC');
      expect(reset!.subject).toBe('CloudFon CX: an administrator reset your two-factor authentication');
      expect(reset!.html).toContain('Administrator site-admin reset');
    });

    it('a new trusted browser, with its label and the request it came from', async () => {
      const h = await harness(await target.make(), { policy: { frequency: { trustDays: 14 } } });
      const { secret } = await enrollTotp(h, 'ana');
      const { challengeId } = await startChallenge(h, 'ana');
      const request = { id: 'req-1', clientAddress: '203.0.113.7', userAgent: 'Mozilla/5.0 Firefox/140.0' };
      await withRequest(request, () =>
        h.tf.login.verify(challengeId, h.totp.generateCode(secret, h.clock.now()), {
          rememberDevice: true,
          deviceLabel: 'Firefox on Windows',
        }),
      );
      const mail = (await h.notices('ana')).at(-1)!;
      expect(mail.subject).toBe('CloudFon CX: a new browser will not ask for codes');
      expect(mail.text).toContain('Firefox on Windows was trusted');
      expect(mail.text).toContain('Request from 203.0.113.7 (Mozilla/5.0 Firefox/140.0).');
    });

    it('"someone has your password": failed codes after the password that ended in a lock, told once', async () => {
      const h = await harness(await target.make());
      await enrollTotp(h, 'ana');
      await lockLogin(h, 'ana');
      const alerts = (await h.notices('ana')).filter((m) => m.subject.includes('password'));
      expect(subjects(alerts)).toEqual(['CloudFon CX: someone may have your password']);
      // A signed-in user's own step-up failures are not that.
      h.clock.advance(3_600_000);
      await lockLogin(h, 'ana', { stepUp: true });
      expect((await h.notices('ana')).filter((m) => m.subject.includes('password'))).toHaveLength(1);
    });

    it('rate-limited per user and kind: 3 an hour, the rest dropped and reported', async () => {
      const h = await harness(await target.make());
      await enrollTotp(h, 'ana');
      await enrollTotp(h, 'ben');
      for (let i = 0; i < 5; i++) await h.tf.backupCodes.regenerate('ana');
      await h.tf.backupCodes.regenerate('ben');
      const regenerated = async (user: string) =>
        (await h.notices(user)).filter((m) => m.subject.endsWith('new backup codes'));
      expect(await regenerated('ana')).toHaveLength(3);
      expect(await regenerated('ben')).toHaveLength(1);
      expect(h.events.filter((e) => e.type === 'notice.limited' && e.userId === 'ana')).toHaveLength(2);
      h.clock.advance(3_600_000);
      await h.tf.backupCodes.regenerate('ana');
      expect(await regenerated('ana')).toHaveLength(4);
    });

    it('a failing mailer never fails the action: a warning, and a notice.failed event', async () => {
      const mailer = new MemoryMailer();
      const failing = {
        async send(message: MailMessage) {
          if (!/authentication code/.test(message.subject)) throw new Error('SMTP 421 try later');
          await mailer.send(message);
        },
      };
      const warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
      try {
        const h = await harness(await target.make(), { mailer: failing });
        await enrollTotp(h, 'ana');
        expect(await h.tf.backupCodes.regenerate('ana')).toHaveLength(10);
        await h.tf.notices.settled();
        expect(h.events.filter((e) => e.type === 'notice.failed').map((e) => e.detail)).toEqual([
          { kind: 'method-added', reason: 'failed' },
          { kind: 'backup-codes-regenerated', reason: 'failed' },
        ]);
        expect(warnings.mock.calls.map((c) => String(c[0]))).toContainEqual(
          expect.stringContaining('[factorkit] [notify] the method-added notice failed: Error: SMTP 421'),
        );
      } finally {
        warnings.mockRestore();
      }
    });

    it('each kind can be replaced or silenced; without an address the notice is reported undelivered', async () => {
      const received: Notice[] = [];
      const h = await harness(await target.make(), {
        notify: {
          'method-added': (notice: Notice) => void received.push(notice),
          'backup-codes-regenerated': false,
        },
      });
      await enrollTotp(h, 'ana');
      await h.tf.backupCodes.regenerate('ana');
      expect(await h.notices('ana')).toEqual([]);
      expect(received).toMatchObject([
        { kind: 'method-added', userId: 'ana', method: 'totp', to: address('ana') },
      ]);
      const bare = makeTwoFactor(await target.make());
      await enrollTotp(bare, 'ana');
      await bare.tf.notices.settled();
      expect(bare.events.filter((e) => e.type.startsWith('notice.')).map((e) => e.detail)).toEqual([
        { kind: 'method-added', reason: 'no-address' },
      ]);
      const silent = makeTwoFactor(await target.make(), { notify: false, noticeAddress: address });
      await enrollTotp(silent, 'ana');
      await silent.tf.notices.settled();
      expect(silent.mailer.sent.filter((m) => m.to === address('ana'))).toEqual([]);
    });

    it("defaults to the user's 2FA email address", async () => {
      const h = makeTwoFactor(await target.make());
      await enrollEmail(h, 'ana', 'ana@2fa.example');
      await h.tf.notices.settled();
      expect(h.mailer.sent.map((m) => m.subject)).toContain(
        'CloudFon CX: email codes was added to your account',
      );
    });
  });
}
