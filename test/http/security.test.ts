import { describe, expect, it } from 'vitest';
import { enrollEmail, enrollTotp, MINUTE } from '../helpers/harness.js';
import type { TestClient } from './support/client.js';
import { forEachHost, type HostContext } from './support/suite.js';

/**
 * The step-up and session findings of the adapter attack (issue 9), each played through HTTP on a
 * real server by an attacker with a browser of their own, on every adapter.
 */
/** The victim trusted this browser earlier: their device cookie sits in the attacker's jar. */
async function victimTrustedBrowser(ctx: HostContext, attacker: TestClient, victimSecret: string) {
  const victim = ctx.browser();
  await ctx.signIn(victim, 'victim', victimSecret, true);
  attacker.cookies.set('factorkit_device', victim.cookies.get('factorkit_device') ?? '');
}

forEachHost(
  (ctx, names) => {
    describe('step-up belongs to the user who proved it', () => {
      it('finding 1: a code verified for the attacker does not let the victim, signed in later on the same session, turn 2FA off', async () => {
        const attackerApp = await enrollTotp(ctx.h, 'attacker');
        const victimApp = await enrollTotp(ctx.h, 'victim');
        const attacker = ctx.browser();
        await victimTrustedBrowser(ctx, attacker, victimApp.secret);
        await ctx.signIn(attacker, 'attacker', attackerApp.secret);
        expect((await attacker.call('POST', '/password/victim', {})).json['status']).toBe('trusted-device');
        expect(await attacker.call('POST', '/2fa/disable', { method: 'totp' })).toMatchObject({
          status: 403,
          json: { error: 'step-up-required' },
        });
        expect((await ctx.h.tf.status('victim')).enabled).toBe(true);
      });

      it("finding 1 (variant): the attacker's step-up challenge does not survive a sign-in as someone else", async () => {
        const attackerApp = await enrollTotp(ctx.h, 'attacker');
        const victimApp = await enrollTotp(ctx.h, 'victim');
        const attacker = ctx.browser();
        await victimTrustedBrowser(ctx, attacker, victimApp.secret);
        await ctx.signIn(attacker, 'attacker', attackerApp.secret);
        expect((await attacker.call('POST', '/2fa/step-up/start', {})).status).toBe(200);
        expect((await attacker.call('POST', '/password/victim', {})).json['status']).toBe('trusted-device');
        const stepUp = await attacker.call('POST', '/2fa/step-up/verify', {
          code: ctx.code(attackerApp.secret),
        });
        expect(stepUp.status).not.toBe(200);
        expect((await attacker.call('POST', '/2fa/disable', { method: 'totp' })).status).toBe(403);
        expect((await ctx.h.tf.status('victim')).enabled).toBe(true);
      });

      it('finding 1 (sign-out): signing out wipes the fresh factor', async () => {
        const ana = await enrollTotp(ctx.h, 'ana');
        const client = ctx.browser();
        await ctx.signIn(client, 'ana', ana.secret);
        await client.call('POST', '/sign-out', {});
        expect((await client.call('GET', '/app')).status).toBe(401);
        await ctx.h.tf.policy.set({ frequency: { trustDays: 14 } });
        expect((await client.call('POST', '/2fa/disable', { method: 'totp' })).status).toBe(401);
      });
    });

    describe('step-up guards what could defeat it', () => {
      it('finding 2: viewable backup codes are shown again only with a fresh second factor; counts always', async () => {
        const ana = await enrollTotp(ctx.h, 'ana');
        const client = ctx.browser();
        await ctx.signIn(client, 'ana', ana.secret);
        const fresh = await client.call('GET', '/2fa/backup-codes');
        expect(fresh.json['codes']).toHaveLength(10);
        ctx.h.clock.advance(11 * MINUTE);
        const stale = await client.call('GET', '/2fa/backup-codes');
        expect(stale.status).toBe(200);
        expect(stale.json).toMatchObject({ total: 10, remaining: 10, codes: null });
        await client.call('POST', '/2fa/step-up/start', {});
        expect(
          (await client.call('POST', '/2fa/step-up/verify', { code: ctx.code(ana.secret) })).status,
        ).toBe(200);
        expect((await client.call('GET', '/2fa/backup-codes')).json['codes']).toHaveLength(10);
      });

      it('finding 3: a setup begun before 2FA was on dies when the methods change; the session that began it ends', async () => {
        const client = ctx.browser();
        expect((await client.call('POST', '/password/ana', {})).json['status']).toBe('not-required');
        // The attacker, on Ana's session while she has no 2FA, links their own app (pending).
        const pending = await client.call('POST', '/2fa/totp/setup', {});
        expect(pending.status).toBe(200);
        const attackerSecret = String(pending.json['secret']);
        // Ana turns on email authentication: every session signed in with the password alone ends,
        // and the pending setup ends with the change of methods.
        await enrollEmail(ctx.h, 'ana');
        expect(
          (await client.call('POST', '/2fa/totp/confirm', { code: ctx.code(attackerSecret) })).status,
        ).toBe(401);
        expect(await ctx.h.tf.totp.confirmSetup('ana', ctx.code(attackerSecret))).toEqual({
          ok: false,
          reason: 'no-pending-setup',
        });
        expect((await ctx.h.tf.status('ana')).totp).toBe(false);
      });

      it('finding 3: step-up is checked when a setup is confirmed, not only when it begins', async () => {
        const ana = await enrollTotp(ctx.h, 'ana');
        const client = ctx.browser();
        await ctx.signIn(client, 'ana', ana.secret);
        // Fresh factor: re-linking an app may begin.
        const relink = await client.call('POST', '/2fa/totp/setup', {});
        expect(relink.status).toBe(200);
        ctx.h.clock.advance(11 * MINUTE);
        expect(
          await client.call('POST', '/2fa/totp/confirm', { code: ctx.code(String(relink.json['secret'])) }),
        ).toMatchObject({
          status: 403,
          json: { error: 'step-up-required' },
        });
      });

      it('finding 4: admin actions need a fresh second factor (issue a code, reset, change the policy)', async () => {
        const boss = await enrollTotp(ctx.h, 'boss');
        await enrollTotp(ctx.h, 'ben');
        const admin = ctx.browser();
        await ctx.signIn(admin, 'boss', boss.secret);
        const asAdmin = { headers: { 'x-admin': '1' } };
        expect((await admin.call('POST', '/2fa/admin/users/ben/backup-code', {}, asAdmin)).status).toBe(200);
        ctx.h.clock.advance(60 * MINUTE);
        for (const [method, path, body] of [
          ['POST', '/2fa/admin/users/ben/backup-code', {}],
          ['POST', '/2fa/admin/users/ben/reset', {}],
          ['PUT', '/2fa/policy', { frequency: 'every-login' }],
        ] as const) {
          expect(await admin.call(method, path, body, asAdmin), `${method} ${path}`).toMatchObject({
            status: 403,
            json: { error: 'step-up-required' },
          });
        }
        expect((await ctx.h.tf.status('ben')).enabled).toBe(true);
        expect((await ctx.h.tf.policy.get()).frequency).toEqual({ trustDays: 14 });
      });

      it('finding 8: an admin code for a user with no method is refused, not issued', async () => {
        const boss = await enrollTotp(ctx.h, 'boss');
        const admin = ctx.browser();
        await ctx.signIn(admin, 'boss', boss.secret);
        const answer = await admin.call(
          'POST',
          '/2fa/admin/users/nobody/backup-code',
          {},
          {
            headers: { 'x-admin': '1' },
          },
        );
        expect(answer).toMatchObject({ status: 409, json: { error: 'not-enabled' } });
        expect(answer.json['code']).toBeUndefined();
      });
    });

    describe('sessions rotate at every privilege change', () => {
      it('finding 5: the password step and the verified code each give a new session id; the old ones are dead', async () => {
        const ana = await enrollTotp(ctx.h, 'ana');
        const client = ctx.browser();
        await client.call('POST', '/visit', {});
        const anonymous = client.cookies.get('sid');
        // Hono's built-in session holds the 2FA state alone: nothing before the password.
        if (names.host !== 'hono') expect(anonymous).toBeTruthy();
        await client.call('POST', '/password/ana', {});
        const pending = client.cookies.get('sid');
        expect(pending).not.toBe(anonymous);
        expect((await client.call('POST', '/2fa/login/verify', { code: ctx.code(ana.secret) })).status).toBe(
          200,
        );
        const signedIn = client.cookies.get('sid');
        expect(signedIn).not.toBe(pending);
        expect((await client.call('GET', '/app')).status).toBe(200);
        const old = ctx.browser();
        old.cookies.set('sid', pending ?? '');
        expect((await old.call('GET', '/app')).status).toBe(401);
        expect((await old.call('GET', '/2fa/login')).status).toBe(401);
      });
    });

    describe('errors never leak internals', () => {
      for (const env of ['development', 'production']) {
        it(`finding 7: malformed JSON, a 20 kB body, a wrong content type and a thrown error answer JSON with a stable code (${env})`, async () => {
          await ctx.restart(
            { env },
            {
              authorize: () => {
                throw new Error('authorize exploded at /srv/app/secret.ts:12');
              },
            },
          );
          const boss = await enrollTotp(ctx.h, 'boss');
          const client = ctx.browser();
          await ctx.signIn(client, 'boss', boss.secret);
          const answers = [
            [
              400,
              'invalid-json',
              await client.call('POST', '/2fa/login/verify', undefined, {
                raw: { body: '{"code":', type: 'application/json' },
              }),
            ],
            [413, 'too-large', await client.call('POST', '/2fa/totp/confirm', { code: 'x'.repeat(20_000) })],
            [
              415,
              'json-required',
              await client.call('POST', '/2fa/totp/setup', undefined, {
                raw: { body: 'a=1', type: 'text/plain' },
              }),
            ],
            [
              500,
              'internal',
              await client.call('POST', '/2fa/admin/users/boss/reset', {}, { headers: { 'x-admin': '1' } }),
            ],
          ] as const;
          for (const [status, error, answer] of answers) {
            expect(answer.status, error).toBe(status);
            expect(answer.headers.get('content-type'), error).toMatch(/^application\/json/);
            expect(answer.json['error'], error).toBe(error);
            expect(answer.text, error).not.toMatch(/ at |\/srv\/|\/work\/|node_modules|Error:/);
          }
        });
      }
    });
  },
  { policy: { frequency: { trustDays: 14 }, backupCodes: { storage: 'viewable' } } },
);
