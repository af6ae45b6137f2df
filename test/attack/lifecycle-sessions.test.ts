/**
 * Issue 19 ("years in production"): lockouts only the password can cause, and the policy's rule
 * applied on every request, through real Express 5, Fastify 5 and Hono 4 servers (MemoryStore and
 * Redis).
 */
import { expect, it } from 'vitest';
import { STEP_UP_FAILURES } from '../../src/services/attempt-limiter.js';
import { enrollTotp, MINUTE } from '../helpers/harness.js';
import type { TestClient } from '../http/support/client.js';
import { forEachHost } from '../http/support/suite.js';

/**
 * Guesses step-up codes in `client`'s session until it is refused for good (at most `tries`);
 * returns how many guesses were evaluated (answered as a wrong code) and the last answer.
 */
async function guessStepUp(client: TestClient, tries: number, wait: () => void) {
  let evaluated = 0;
  let last = { status: 0, json: {} as Record<string, unknown> };
  for (let i = 0; i < tries; i++) {
    const start = await client.call('POST', '/2fa/step-up/start', {});
    if (start.status !== 200) return { evaluated, last: start };
    last = await client.call('POST', '/2fa/step-up/verify', { code: '000000' });
    // A wrong code evaluated: 401 invalid-code, or 429 with the lock its failure armed.
    if (last.json['reason'] === 'invalid-code' || last.json['reason'] === 'locked') evaluated++;
    if (last.json['reason'] === 'challenge-ended') evaluated++;
    if (last.json['reason'] === 'session-ended') {
      evaluated++;
      return { evaluated, last };
    }
    wait();
  }
  return { evaluated, last };
}

forEachHost(
  (ctx) => {
    it("years in production, item 4: a stale session's wrong step-up codes end that session after 5 and never lock the owner out", async () => {
      const { secret, backupCodes } = await enrollTotp(ctx.h, 'ana');
      const stale = ctx.browser();
      await ctx.signIn(stale, 'ana', secret);
      ctx.h.clock.advance(11 * MINUTE); // older than the step-up window: it can change nothing
      const { evaluated, last } = await guessStepUp(stale, 30, () => ctx.h.clock.advance(5 * MINUTE));
      expect(evaluated).toBe(STEP_UP_FAILURES);
      expect(last).toMatchObject({
        status: 401,
        json: { ok: false, reason: 'session-ended', message: expect.stringContaining('signed out') },
      });
      // That session is over; the owner is not locked: a code and a backup code both sign in.
      expect((await stale.call('GET', '/2fa/status')).json['error']).toBe('not-signed-in');
      ctx.h.clock.advance(MINUTE);
      await ctx.signIn(ctx.browser(), 'ana', secret);
      const withBackup = ctx.browser();
      await withBackup.call('POST', '/password/ana', {});
      expect((await withBackup.call('POST', '/2fa/login/verify', { code: backupCodes[0] })).status).toBe(200);
      expect(ctx.h.events.filter((event) => event.type === 'account.locked')).toEqual([]);
      expect(ctx.h.events.filter((event) => event.type === 'session.ended')).toHaveLength(1);
    });

    it('years in production, item 4: a success starts a session’s count again; a signed-out session cannot guess on', async () => {
      const { secret } = await enrollTotp(ctx.h, 'ana');
      const client = ctx.browser();
      await ctx.signIn(client, 'ana', secret);
      for (let round = 0; round < 3; round++) {
        ctx.h.clock.advance(11 * MINUTE);
        await client.call('POST', '/2fa/step-up/start', {});
        for (let i = 0; i < STEP_UP_FAILURES - 1; i++) {
          await client.call('POST', '/2fa/step-up/verify', { code: '000000' });
          ctx.h.clock.advance(5 * MINUTE);
        }
        const right = await client.call('POST', '/2fa/step-up/verify', { code: ctx.code(secret) });
        expect(right.status, `round ${round}`).toBe(200);
      }
      // Signed out elsewhere ("sign out everywhere"): the session's budget is gone with it.
      ctx.h.clock.advance(11 * MINUTE);
      await client.call('POST', '/2fa/step-up/start', {});
      await ctx.h.tf.sessions.endAll('ana');
      expect((await client.call('POST', '/2fa/step-up/verify', { code: '000000' })).status).toBe(401);
      expect(ctx.h.events.filter((event) => event.type === 'verify.failed')).toHaveLength(
        3 * (STEP_UP_FAILURES - 1),
      );
    });

    it('years in production, item 4: the sessions a trusted browser opens with the password share one budget of 5, then the browser is forgotten', async () => {
      const { secret } = await enrollTotp(ctx.h, 'ana');
      const owner = ctx.browser();
      await ctx.signIn(owner, 'ana', secret, true);
      const cookie = owner.cookies.get('factorkit_device') ?? '';
      // An attacker with the password and the browser's cookie opens sessions without a code.
      const sessions = Array.from({ length: 4 }, () => {
        const thief = ctx.browser();
        thief.cookies.set('factorkit_device', cookie);
        return thief;
      });
      for (const thief of sessions) {
        expect((await thief.call('POST', '/password/ana', {})).json['status']).toBe('trusted-device');
      }
      let evaluated = 0;
      for (const thief of sessions) {
        evaluated += (await guessStepUp(thief, 10, () => ctx.h.clock.advance(5 * MINUTE))).evaluated;
      }
      expect(evaluated).toBeLessThanOrEqual(STEP_UP_FAILURES + sessions.length - 1);
      expect(ctx.h.events.filter((event) => event.type === 'verify.failed')).toHaveLength(STEP_UP_FAILURES);
      // The browser is forgotten: the password and the cookie now meet a code.
      const again = ctx.browser();
      again.cookies.set('factorkit_device', cookie);
      expect((await again.call('POST', '/password/ana', {})).json['status']).toBe('challenge');
      // The owner, who has the second factor, signs in as ever.
      ctx.h.clock.advance(MINUTE);
      await ctx.signIn(ctx.browser(), 'ana', secret);
      expect(ctx.h.events.filter((event) => event.type === 'account.locked')).toEqual([]);
    });

    it('years in production, item 5: a session signed in before the org required 2FA is sent to setup on its next request, until a method is confirmed', async () => {
      const client = ctx.browser();
      expect((await client.call('POST', '/password/newbie', {})).json['status']).toBe('not-required');
      expect((await client.call('GET', '/app')).status).toBe(200);
      await ctx.h.tf.policy.set({ required: true });
      for (const [method, path] of [
        ['GET', '/app'],
        ['POST', '/app/sensitive'],
        ['GET', '/2fa/devices'],
        ['POST', '/2fa/backup-codes/regenerate'],
      ] as const) {
        expect(await client.call(method, path, method === 'POST' ? {} : undefined), path).toMatchObject({
          status: 403,
          json: { error: 'setup-required' },
        });
      }
      // The setup endpoints are open to it; the first method signs it in again, with a new session id.
      expect((await client.call('GET', '/2fa/status')).status).toBe(200);
      const setup = await client.call('POST', '/2fa/totp/setup', {});
      expect(setup.status).toBe(200);
      const before = client.cookies.get('sid');
      const confirmed = await client.call('POST', '/2fa/totp/confirm', {
        code: ctx.code(String(setup.json['secret'])),
      });
      expect(confirmed.json['backupCodes']).toHaveLength(10);
      expect(client.cookies.get('sid')).not.toBe(before);
      expect((await client.call('GET', '/app')).status).toBe(200);
    });

    it('years in production, item 5: a user who turns off their only method while 2FA is required is sent to setup', async () => {
      await ctx.h.tf.policy.set({ required: true });
      const { secret } = await enrollTotp(ctx.h, 'ana');
      const client = ctx.browser();
      await ctx.signIn(client, 'ana', secret);
      expect((await client.call('POST', '/2fa/disable', { method: 'totp' })).status).toBe(200);
      expect(await client.call('GET', '/app')).toMatchObject({
        status: 403,
        json: { error: 'setup-required' },
      });
      expect(await client.call('GET', '/2fa/devices')).toMatchObject({
        status: 403,
        json: { error: 'setup-required' },
      });
      // Another browser's sign-in meets setup too, as before.
      expect((await ctx.browser().call('POST', '/password/ana', {})).json['status']).toBe('setup-required');
    });
  },
  { policy: { frequency: { trustDays: 14 } } },
);
