import { describe, expect, it } from 'vitest';
import { MemorySender, type PhoneOptions } from '../../src/entries/index.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { enrollTotp, type Harness, MINUTE, makeTwoFactor, startChallenge } from '../helpers/harness.js';
import { storesUnderTest } from '../helpers/stores.js';

const NUMBER = '+442079460958';

/** A facade with text-message codes on, over a memory sender. */
function withPhone(store: Parameters<typeof makeTwoFactor>[0], options: Partial<PhoneOptions> = {}) {
  const sender = new MemorySender();
  const h = makeTwoFactor(store, { phone: { sender, ...options } });
  /** The six-digit code in the newest message to `to`. */
  const lastCode = (to = NUMBER) => sender.lastTo(to)?.text.match(/\b(\d{6})\b/)?.[1] ?? '';
  return { ...h, sender, lastCode };
}

type PhoneHarness = ReturnType<typeof withPhone>;

async function enrollPhone(h: PhoneHarness, userId: string, number = NUMBER) {
  expect(await h.tf.phone.beginSetup(userId, number)).toMatchObject({ ok: true });
  const result = await h.tf.phone.confirmSetup(userId, h.lastCode(number));
  if (!result.ok) throw new Error(JSON.stringify(result));
  h.clock.advance(MINUTE);
  return result.backupCodes ?? [];
}

const STATUS_WITHOUT_PHONE = {
  enabled: false,
  totp: false,
  email: null,
  securityKeys: 0,
  backupCodesRemaining: 0,
};

for (const target of storesUnderTest()) {
  describe.skipIf(target.skip)(`text-message codes (${target.name})`, () => {
    it('are off unless enabled: status as before, never offered, setup and sends are CONFIG', async () => {
      const h: Harness = makeTwoFactor(await target.make());
      expect(await h.tf.status('ana')).toEqual(STATUS_WITHOUT_PHONE);
      await expect(h.tf.phone.beginSetup('ana', NUMBER)).rejects.toMatchObject({
        code: 'CONFIG',
        field: 'options.phone',
      });
      await enrollTotp(h, 'ana');
      const { challengeId, methods } = await startChallenge(h, 'ana');
      expect(methods).not.toContain('phone');
      await expect(h.tf.login.sendPhoneCode(challengeId)).rejects.toMatchObject({ code: 'CONFIG' });
      expect(() => makeTwoFactor(new MemoryStore(), { phone: { sender: {} as never } })).toThrow(
        expect.objectContaining({ code: 'CONFIG', field: 'options.phone.sender' }),
      );
    });

    it('setup: the number normalised to E.164, a code by text, confirmed; the first factor brings backup codes', async () => {
      const h = withPhone(await target.make());
      expect(await h.tf.status('ana')).toEqual({ ...STATUS_WITHOUT_PHONE, phone: null });
      const sent = await h.tf.phone.beginSetup('ana', ' 0044 (20) 7946-0958 ');
      expect(sent).toEqual({ ok: true, sentTo: '+********0958', expiresAt: h.clock.now() + 10 * MINUTE });
      const message = h.sender.lastTo(NUMBER)!;
      expect(message.kind).toBe('sms');
      expect(message.text).toMatch(/^\d{6} is your CloudFon CX code\. It expires in 10 minutes\./);
      expect(await h.tf.phone.confirmSetup('ana', '000000')).toMatchObject({
        ok: false,
        reason: 'invalid-code',
      });
      const confirmed = await h.tf.phone.confirmSetup('ana', h.lastCode());
      expect(confirmed.ok && confirmed.backupCodes).toHaveLength(10);
      expect(await h.tf.status('ana')).toEqual({
        ...STATUS_WITHOUT_PHONE,
        enabled: true,
        phone: '+********0958',
        backupCodesRemaining: 10,
      });
      // The security notice of the new method runs in the background: its own events are left out.
      const events = h.events.filter((e) => !e.type.startsWith('notice.'));
      expect(events.map((e) => e.type)).toEqual([
        'phone.setup-started',
        'backup-codes.generated',
        'phone.enabled',
      ]);
      expect(events[2]).toMatchObject({ userId: 'ana', detail: { number: '+********0958' } });
      // The number is stored as the user confirmed it, never in an event.
      expect(JSON.stringify(h.events)).not.toContain(NUMBER);
    });

    it('refuses numbers that are not international E.164, and numbers outside allowedPrefixes', async () => {
      const h = withPhone(await target.make(), { allowedPrefixes: ['+1', '+44'] });
      for (const bad of [
        '020 7946 0958',
        '+0 20 7946 0958',
        '+44 20',
        'call me',
        '+1234567890123456',
        '',
        42,
      ]) {
        await expect(h.tf.phone.beginSetup('ana', bad as string)).rejects.toMatchObject({
          code: 'INVALID_INPUT',
          field: 'number',
        });
      }
      await expect(h.tf.phone.beginSetup('ana', '+33 1 23 45 67 89')).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        field: 'number',
      });
      expect(h.sender.sent).toEqual([]);
      expect((await h.tf.phone.beginSetup('ana', '+1 415 555 0123')).ok).toBe(true);
      expect(h.sender.sent[0]).toMatchObject({ to: '+14155550123' });
    });

    it('by voice: the call reads the digits out, twice', async () => {
      const h = withPhone(await target.make());
      await h.tf.phone.beginSetup('ana', NUMBER, { kind: 'voice' });
      const call = h.sender.lastTo(NUMBER)!;
      expect(call.kind).toBe('voice');
      expect(call.text).toMatch(/^Your CloudFon CX code is (\d, ){5}\d\. Again: (\d, ){5}\d\.$/);
      const digits = call.text.match(/is ([\d, ]+)\./)![1]!.replace(/, /g, '');
      expect((await h.tf.phone.confirmSetup('ana', digits)).ok).toBe(true);
    });

    it('a code in flight and a setup in progress are counted by tf.keys as lapsing phone codes on their key', async () => {
      const h = withPhone(await target.make());
      await enrollPhone(h, 'ana');
      const { challengeId } = await startChallenge(h, 'ana');
      await h.tf.login.sendPhoneCode(challengeId);
      await h.tf.phone.beginSetup('ben', '+14155550123');
      const { keys } = await h.tf.keys.inventory();
      expect(keys.find((key) => key.status === 'current')?.kinds).toMatchObject({ 'phone-code': 2 });
      h.clock.advance(10 * MINUTE);
      const later = await h.tf.keys.inventory();
      expect(later.keys.find((key) => key.status === 'current')?.kinds['phone-code']).toBeUndefined();
    });

    it('login: offered, the code bound to its challenge, single use, valid until 9:59', async () => {
      const h = withPhone(await target.make());
      await enrollPhone(h, 'ana');
      const a = await startChallenge(h, 'ana');
      expect(a.methods).toEqual(['phone', 'backup-code']);
      const b = await startChallenge(h, 'ana');
      expect(await h.tf.login.sendPhoneCode(a.challengeId)).toEqual({
        ok: true,
        sentTo: '+********0958',
        expiresAt: h.clock.now() + 10 * MINUTE,
      });
      const code = h.lastCode();
      expect(await h.tf.login.verify(b.challengeId, code)).toMatchObject({
        ok: false,
        reason: 'invalid-code',
      });
      h.clock.advance(10 * MINUTE - 1000);
      expect(await h.tf.login.verify(a.challengeId, code)).toMatchObject({ ok: true, method: 'phone' });
      expect(await h.tf.login.verify(a.challengeId, code)).toEqual({ ok: false, reason: 'challenge-ended' });
      expect(h.events.map((e) => e.type)).toContain('phone.code-sent');
      // By a call; at 10:00 the code is void.
      const c = await startChallenge(h, 'ana');
      await h.tf.login.sendPhoneCode(c.challengeId, { kind: 'voice' });
      const call = h.sender.lastTo(NUMBER)!;
      expect(call.kind).toBe('voice');
      const digits = call.text.match(/is ([\d, ]+)\./)![1]!.replace(/, /g, '');
      h.clock.advance(10 * MINUTE);
      expect(await h.tf.login.verify(c.challengeId, digits)).toMatchObject({
        ok: false,
        reason: 'invalid-code',
      });
    });

    it('a setup code never ends a login; a login code never confirms a setup', async () => {
      const h = withPhone(await target.make());
      await enrollTotp(h, 'ana');
      await h.tf.phone.beginSetup('ana', NUMBER);
      const setupCode = h.lastCode();
      const login = await startChallenge(h, 'ana');
      expect(await h.tf.login.verify(login.challengeId, setupCode)).toMatchObject({ ok: false });
      expect((await h.tf.phone.confirmSetup('ana', setupCode)).ok).toBe(true);
      h.clock.advance(MINUTE);
      const next = await startChallenge(h, 'ana');
      await h.tf.login.sendPhoneCode(next.challengeId);
      await h.tf.phone.beginSetup('ana', '+14155550123');
      expect(await h.tf.phone.confirmSetup('ana', h.lastCode())).toMatchObject({ ok: false });
    });

    it('resends: a 60 s cooldown and an hourly cap, setup and login together', async () => {
      const h = withPhone(await target.make(), { sendsPerHour: 3 });
      await enrollPhone(h, 'ana');
      const { challengeId } = await startChallenge(h, 'ana');
      expect((await h.tf.login.sendPhoneCode(challengeId)).ok).toBe(true);
      expect(await h.tf.login.sendPhoneCode(challengeId)).toEqual({
        ok: false,
        reason: 'cooldown',
        retryAt: h.clock.now() + MINUTE,
      });
      h.clock.advance(MINUTE);
      expect((await h.tf.login.sendPhoneCode(challengeId)).ok).toBe(true);
      h.clock.advance(MINUTE);
      const capped = await h.tf.login.sendPhoneCode(challengeId);
      expect(capped).toMatchObject({ ok: false, reason: 'cooldown' });
      expect(capped.ok === false && capped.reason === 'cooldown' && capped.retryAt).toBeGreaterThan(
        h.clock.now() + 50 * MINUTE,
      );
      expect(h.sender.sent).toHaveLength(3);
    });

    it('a sender that fails is DELIVERY_FAILED, and the unsent code is void', async () => {
      const h = withPhone(await target.make());
      await enrollPhone(h, 'ana');
      const { challengeId } = await startChallenge(h, 'ana');
      const send = h.sender.send.bind(h.sender);
      let captured = '';
      h.sender.send = async (message) => {
        captured = message.text.match(/\b(\d{6})\b/)?.[1] ?? '';
        throw new Error('21211 invalid To number');
      };
      await expect(h.tf.login.sendPhoneCode(challengeId)).rejects.toMatchObject({ code: 'DELIVERY_FAILED' });
      expect(await h.tf.login.verify(challengeId, captured)).toMatchObject({
        ok: false,
        reason: 'invalid-code',
      });
      h.sender.send = send;
    });

    it('never offered nor sent on a challenge that demands phishing resistance', async () => {
      const h = withPhone(await target.make());
      await enrollPhone(h, 'ana');
      const strict = await h.tf.login.start('ana', { phishingResistant: true });
      expect(strict).toMatchObject({ status: 'challenge', methods: [] });
      if (strict.status !== 'challenge') throw new Error();
      expect(await h.tf.login.sendPhoneCode(strict.challengeId)).toEqual({ ok: false, reason: 'no-phone' });
      expect(h.sender.sent).toHaveLength(1);
    });

    it('turned off after users enrolled: they stay enrolled, are still asked, and only recovery ends it', async () => {
      const store = await target.make();
      const h = withPhone(store);
      const backupCodes = await enrollPhone(h, 'ana');
      const off = makeTwoFactor(store);
      off.clock.set(h.clock.now());
      expect(await off.tf.status('ana')).toEqual({
        ...STATUS_WITHOUT_PHONE,
        enabled: true,
        backupCodesRemaining: 10,
      });
      const start = await startChallenge(off, 'ana');
      expect(start.methods).toEqual(['backup-code']);
      expect(await off.tf.login.verify(start.challengeId, backupCodes[0]!)).toMatchObject({
        ok: true,
        method: 'backup-code',
      });
      await off.tf.disable('ana', 'phone');
      expect((await off.tf.status('ana')).enabled).toBe(false);
    });

    it('disable and an admin reset remove the number; 50 concurrent uses of one code: exactly one succeeds', async () => {
      const h = withPhone(await target.make());
      await enrollPhone(h, 'ana');
      const { challengeId } = await startChallenge(h, 'ana');
      await h.tf.login.sendPhoneCode(challengeId);
      const code = h.lastCode();
      const results = await Promise.all(
        Array.from({ length: 50 }, () => h.tf.login.verify(challengeId, code)),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      await h.tf.disable('ana', 'phone');
      expect(await h.tf.status('ana')).toEqual({ ...STATUS_WITHOUT_PHONE, phone: null });
      await enrollPhone(h, 'ben');
      await h.tf.admin.reset({ id: 'root', roles: ['admin'] }, 'ben');
      expect((await h.tf.status('ben')).phone).toBeNull();
    });
  });
}
