import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { storeKeys } from '../../src/store/keys.js';
import { enrollTotp, MINUTE } from '../helpers/harness.js';
import { forEachHost } from './support/suite.js';

/** The findings of the second attack round, each through HTTP on a real server, on every adapter. */
/** A POST whose declared body is sent one byte now and the rest when `finish` is called. */
function slowPost(base: string, path: string, cookie: string, body: string) {
  const url = new URL(path, base);
  let finish = () => {};
  const done = new Promise<number>((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.write(body.slice(0, 1));
    finish = () => req.end(body.slice(1));
  });
  return { done, finish: () => finish() };
}

forEachHost(
  (ctx) => {
    describe('sessions end when they should, whatever the session store writes back', () => {
      it('round 2, finding 1: a request in flight at sign-out cannot bring the session back', async () => {
        const ana = await enrollTotp(ctx.h, 'ana');
        const owner = ctx.browser();
        await ctx.signIn(owner, 'ana', ana.secret);
        const thief = ctx.browser();
        thief.cookies.set('sid', owner.cookies.get('sid')!);
        expect((await thief.call('GET', '/app')).status).toBe(200);
        const slow = slowPost(ctx.host.base, '/2fa/step-up/start', thief.cookieHeader(), '{}      ');
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect((await owner.call('POST', '/sign-out', {})).status).toBe(200);
        slow.finish();
        await slow.done;
        // express-session wrote the in-flight request's session back under the old id: it is still dead.
        expect((await thief.call('GET', '/app')).status).toBe(401);
        expect((await thief.call('POST', '/2fa/disable', { method: 'totp' })).status).toBe(401);
        expect((await ctx.h.tf.status('ana')).enabled).toBe(true);
      });

      it('round 2, finding 2: turning 2FA on ends the sessions signed in with the password alone', async () => {
        const intruder = ctx.browser();
        expect((await intruder.call('POST', '/password/ana', {})).json['status']).toBe('not-required');
        expect((await intruder.call('GET', '/app')).status).toBe(200);
        await enrollTotp(ctx.h, 'ana');
        expect((await intruder.call('GET', '/app')).status).toBe(401);
      });

      it("round 2, finding 2: an admin reset signs out a thief's session, which cannot link its own app", async () => {
        const ana = await enrollTotp(ctx.h, 'ana');
        const owner = ctx.browser();
        await ctx.signIn(owner, 'ana', ana.secret, true);
        const thief = ctx.browser();
        thief.cookies.set('factorkit_device', owner.cookies.get('factorkit_device')!);
        expect((await thief.call('POST', '/password/ana', {})).json['status']).toBe('trusted-device');
        await ctx.h.tf.admin.reset({ id: 'boss', roles: ['admin'] }, 'ana');
        expect((await thief.call('POST', '/2fa/totp/setup', {})).status).toBe(401);
        expect((await owner.call('GET', '/app')).status).toBe(401);
      });

      it('the session that turns 2FA off or revokes every browser stays signed in; the others end', async () => {
        const ana = await enrollTotp(ctx.h, 'ana');
        const here = ctx.browser();
        const elsewhere = ctx.browser();
        await ctx.signIn(here, 'ana', ana.secret);
        await ctx.signIn(elsewhere, 'ana', ana.secret);
        await here.call('POST', '/2fa/step-up/start', {});
        expect((await here.call('POST', '/2fa/step-up/verify', { code: ctx.code(ana.secret) })).status).toBe(
          200,
        );
        expect((await here.call('POST', '/2fa/devices/revoke-all', {})).status).toBe(200);
        expect((await here.call('GET', '/app')).status).toBe(200);
        expect((await elsewhere.call('GET', '/app')).status).toBe(401);
      });
    });

    describe('the rest of round 2', () => {
      it('round 2, finding 3: one session has one open step-up challenge, however often it starts one', async () => {
        const ana = await enrollTotp(ctx.h, 'ana');
        const client = ctx.browser();
        await ctx.signIn(client, 'ana', ana.secret);
        const stepUps = () =>
          ctx.h.events.filter((e) => e.type === 'challenge.started' && e.detail?.['purpose'] === 'step-up')
            .length;
        const before = stepUps();
        for (let i = 0; i < 50; i++)
          expect((await client.call('POST', '/2fa/step-up/start', {})).status).toBe(200);
        expect(stepUps() - before).toBe(1);
        expect(
          (await client.call('POST', '/2fa/step-up/verify', { code: ctx.code(ana.secret) })).status,
        ).toBe(200);
      });

      it("round 2, finding 5: requireStepUp on the host's own route refuses a cross-site form post", async () => {
        const ana = await enrollTotp(ctx.h, 'ana');
        const client = ctx.browser();
        await ctx.signIn(client, 'ana', ana.secret);
        const form = { raw: { body: 'x=1', type: 'application/x-www-form-urlencoded' } };
        const crossSite = { origin: 'https://evil.example.com', 'sec-fetch-site': 'same-site' };
        expect(
          (await client.call('POST', '/app/sensitive', undefined, { ...form, headers: crossSite })).status,
        ).toBe(403);
        // The same request from the site itself passes (as JSON: not every host reads forms).
        const sameSite = { headers: { origin: ctx.host.base } };
        expect((await client.call('POST', '/app/sensitive', {}, sameSite)).status).toBe(200);
      });

      it('round 2, finding 7: a malformed trusted-browser cookie is ignored, not a 500', async () => {
        await enrollTotp(ctx.h, 'ana');
        const client = ctx.browser();
        client.cookies.set('factorkit_device', 'x'.repeat(400));
        const start = await client.call('POST', '/password/ana', {});
        expect(start.status).toBe(200);
        expect(start.json['status']).toBe('challenge');
      });

      it('round 2, finding 8: revoking a device named like an object built-in finds nothing', async () => {
        const ana = await enrollTotp(ctx.h, 'ana');
        const client = ctx.browser();
        await ctx.signIn(client, 'ana', ana.secret, true);
        for (const id of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
          expect((await client.call('DELETE', `/2fa/devices/${id}`)).status, id).toBe(404);
        }
        expect(ctx.h.events.filter((e) => e.type === 'device.revoked')).toHaveLength(0);
        expect(
          await ctx.store.commit(
            [{ type: 'takeField', key: storeKeys.devices('ana'), field: '__proto__' }],
            ctx.h.clock.now(),
          ),
        ).toMatchObject({ ok: false, reason: 'missing' });
      });

      it('round 2, finding 9: requests the framework cannot read are the client’s errors (400/415), not 500s for onError', async () => {
        const anonymous = ctx.browser();
        const tries = [
          ['/2fa/step-up/start', { 'content-type': 'application/json; charset=x-unknown' }],
          ['/2fa/step-up/start', { 'content-type': 'application/json', 'content-encoding': 'x-unknown' }],
          ['/2fa/step-up/start', { 'content-type': 'application/json', 'content-encoding': 'gzip' }],
          ['/2fa/admin/users/%E0%A4%A/reset', { 'content-type': 'application/json' }],
        ] as const;
        for (const [path, headers] of tries) {
          const answer = await anonymous.call('POST', path, undefined, {
            headers: { ...headers },
            raw: { body: '{}' },
          });
          expect(answer.status, JSON.stringify(headers)).toBeGreaterThanOrEqual(400);
          expect(answer.status, JSON.stringify(headers)).toBeLessThan(500);
        }
        expect(ctx.errors).toHaveLength(0);
      });

      it('round 2, finding 10: a policy change is audited with its actor and what it set', async () => {
        const boss = await enrollTotp(ctx.h, 'boss');
        const admin = ctx.browser();
        await ctx.signIn(admin, 'boss', boss.secret);
        expect(
          (await admin.call('PUT', '/2fa/policy', { required: true }, { headers: { 'x-admin': '1' } }))
            .status,
        ).toBe(200);
        const event = ctx.h.events.find((e) => e.type === 'policy.changed');
        expect(event?.actor?.id).toBe('boss');
        expect(event?.detail).toMatchObject({ changed: 'required', required: 'true' });
      });

      it('round 2, finding 11: refusals carry the catalogue’s user-facing message, never a validator’s', async () => {
        const ana = await enrollTotp(ctx.h, 'ana');
        const client = ctx.browser();
        await ctx.signIn(client, 'ana', ana.secret);
        const bad = await client.call('POST', '/2fa/email/setup', { address: 42 });
        expect(bad.json).toEqual({
          error: 'invalid-input',
          field: 'address',
          message: 'Please check the address.',
        });
        ctx.h.clock.advance(11 * MINUTE);
        expect((await client.call('POST', '/2fa/disable', { method: 'totp' })).json['message']).toBe(
          'Confirm it’s you: enter an authentication code to continue.',
        );
      });
    });
  },
  { policy: { frequency: { trustDays: 14 } } },
);
