import { expect, it } from 'vitest';
import { MemorySender } from '../../src/entries/index.js';
import { MINUTE } from '../helpers/harness.js';
import type { TestClient } from './support/client.js';
import { forEachHost, type HostContext } from './support/suite.js';

const sender = new MemorySender();
const lastCode = (to: string) => sender.lastTo(to)?.text.match(/\b(\d{6})\b/)?.[1] ?? '';

/** Signs `userId` up with a phone number over HTTP (password, setup, confirm) and signs out. */
async function enrollByHttp(ctx: HostContext, userId: string, number: string) {
  const client = ctx.browser();
  expect((await client.call('POST', `/password/${userId}`, {})).json['status']).toBe('not-required');
  expect(await client.call('POST', '/2fa/phone/setup', { number })).toMatchObject({
    status: 200,
    json: { ok: true, sentTo: expect.stringMatching(/^\+\*+\d{4}$/) },
  });
  const confirmed = await client.call('POST', '/2fa/phone/confirm', { code: lastCode(number) });
  expect(confirmed.json['backupCodes']).toHaveLength(10);
  ctx.h.clock.advance(MINUTE);
  return client;
}

async function pendingLogin(ctx: HostContext, userId: string): Promise<TestClient> {
  const client = ctx.browser();
  expect((await client.call('POST', `/password/${userId}`, {})).json['status']).toBe('challenge');
  return client;
}

/** Text-message and voice codes over every adapter: setup, login, step-up, limits, failures, off. */
forEachHost(
  (ctx) => {
    it('setup: a bad number is 400 naming it; a wrong code 401; the right one enables it; status shows it masked', async () => {
      const client = ctx.browser();
      await client.call('POST', '/password/ana', {});
      expect(await client.call('POST', '/2fa/phone/setup', { number: '020 7946 0958' })).toMatchObject({
        status: 400,
        json: { error: 'invalid-input', field: 'number' },
      });
      expect((await client.call('POST', '/2fa/phone/setup', { number: '+44 20 7946 0958' })).status).toBe(
        200,
      );
      expect((await client.call('POST', '/2fa/phone/confirm', { code: '000000' })).status).toBe(401);
      expect(
        (await client.call('POST', '/2fa/phone/confirm', { code: lastCode('+442079460958') })).status,
      ).toBe(200);
      expect((await client.call('GET', '/2fa/status')).json).toEqual({
        enabled: true,
        totp: false,
        email: null,
        phone: '+********0958',
        securityKeys: 0,
        backupCodesRemaining: 10,
      });
    });

    it('login: the challenge offers the phone; a text, a resend 429 with Retry-After, a call; the code signs in', async () => {
      await enrollByHttp(ctx, 'ana', '+14155550123');
      const client = await pendingLogin(ctx, 'ana');
      expect((await client.call('GET', '/2fa/login')).json['methods']).toEqual(['phone', 'backup-code']);
      expect(await client.call('POST', '/2fa/login/phone', {})).toMatchObject({
        status: 200,
        json: { ok: true, sentTo: '+*******0123' },
      });
      const again = await client.call('POST', '/2fa/login/phone', { kind: 'voice' });
      expect(again).toMatchObject({ status: 429, json: { reason: 'cooldown' } });
      expect(again.headers.get('retry-after')).toBe('60');
      ctx.h.clock.advance(MINUTE);
      expect((await client.call('POST', '/2fa/login/phone', { kind: 'voice' })).status).toBe(200);
      const call = sender.lastTo('+14155550123')!;
      expect(call.kind).toBe('voice');
      const digits = call.text.match(/is ([\d, ]+)\./)![1]!.replace(/, /g, '');
      expect(await client.call('POST', '/2fa/login/verify', { code: digits })).toMatchObject({
        status: 200,
        json: { ok: true, method: 'phone' },
      });
      expect((await client.call('GET', '/app')).status).toBe(200);
    });

    it('step-up by text: 409 before a start, then a code that freshens the factor', async () => {
      const client = await enrollByHttp(ctx, 'ana', '+14155550124');
      ctx.h.clock.advance(11 * MINUTE);
      expect((await client.call('POST', '/app/sensitive', {})).status).toBe(403);
      expect(await client.call('POST', '/2fa/step-up/phone', {})).toMatchObject({
        status: 409,
        json: { error: 'no-step-up' },
      });
      expect((await client.call('POST', '/2fa/step-up/start', {})).json['methods']).toContain('phone');
      expect((await client.call('POST', '/2fa/step-up/phone', {})).status).toBe(200);
      const code = lastCode('+14155550124');
      expect((await client.call('POST', '/2fa/step-up/verify', { code })).status).toBe(200);
      expect((await client.call('POST', '/app/sensitive', {})).status).toBe(200);
    });

    it('a sender that fails is 502 delivery-failed: no internals, and onError gets DELIVERY_FAILED', async () => {
      await enrollByHttp(ctx, 'ana', '+14155550125');
      const client = await pendingLogin(ctx, 'ana');
      const send = sender.send;
      sender.send = async () => {
        throw new Error('21408 permission to send to this region at https://api.sms.internal/');
      };
      try {
        const answer = await client.call('POST', '/2fa/login/phone', {});
        expect(answer).toMatchObject({
          status: 502,
          json: { error: 'delivery-failed', message: 'The code could not be sent. Please try again later.' },
        });
        expect(answer.text).not.toMatch(/21408|sms\.internal/);
      } finally {
        sender.send = send;
      }
      expect(ctx.errors).toEqual([expect.objectContaining({ code: 'DELIVERY_FAILED' })]);
    });

    it('off (no phone option): its routes are 404, status has no phone, and nothing is sent', async () => {
      await ctx.restart({}, { phone: undefined });
      const client = ctx.browser();
      await client.call('POST', '/password/ana', {});
      expect(await client.call('POST', '/2fa/phone/setup', { number: '+14155550126' })).toMatchObject({
        status: 404,
        json: { error: 'not-found' },
      });
      expect((await client.call('GET', '/2fa/status')).json).not.toHaveProperty('phone');
      expect(sender.lastTo('+14155550126')).toBeUndefined();
    });
  },
  { phone: { sender } },
);
