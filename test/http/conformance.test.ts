import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import type { MessageCatalogue } from '../../src/http/messages.js';
import { storeKeys } from '../../src/store/keys.js';
import { userFields } from '../../src/store/layout.js';
import type { Store } from '../../src/store/store.js';
import { enrollEmail, enrollTotp, MINUTE } from '../helpers/harness.js';
import type { TestClient } from './support/client.js';
import { storeWithFault, storeWithOutage } from './support/store-outage.js';
import { forEachHost } from './support/suite.js';

/** A partial catalogue, as docs/http.md shows one. */
const french: Partial<MessageCatalogue> = {
  locked: 'Veuillez réessayer dans cinq minutes.',
  'invalid-code': (data) => `Code incorrect. Encore ${data.attemptsLeft} essai(s).`,
};
/** What an answer must never show of an internal error. */
const internals = /ECONNREFUSED|10\.0\.0\.5|smtp\.internal|\/srv\/|\bat \//;

/** Every endpoint, guard and status, the cookie, the attempt schedule: the same on every adapter. */
forEachHost(
  (ctx) => {
    it('a password-only session gets 401 on every protected route; no session, not-signed-in', async () => {
      await enrollTotp(ctx.h, 'ana');
      const client = ctx.browser();
      expect((await client.call('POST', '/password/ana', {})).json['status']).toBe('challenge');
      const protectedRoutes: Array<[string, string, unknown?]> = [
        ['GET', '/app'],
        ['GET', '/2fa/status'],
        ['POST', '/2fa/totp/setup', {}],
        ['POST', '/2fa/email/setup', { address: 'a@example.com' }],
        ['POST', '/2fa/disable', { method: 'totp' }],
        ['GET', '/2fa/backup-codes'],
        ['POST', '/2fa/backup-codes/regenerate', {}],
        ['GET', '/2fa/devices'],
        ['POST', '/2fa/devices/revoke-all', {}],
        ['DELETE', '/2fa/devices/x'],
        ['POST', '/2fa/step-up/start', {}],
        ['GET', '/2fa/policy'],
        ['PUT', '/2fa/policy', { frequency: 'every-login' }],
        ['POST', '/2fa/admin/users/ben/backup-code', {}],
        ['POST', '/2fa/admin/users/ben/reset', {}],
      ];
      for (const [method, path, body] of protectedRoutes) {
        const answer = await client.call(method, path, body, { headers: { 'x-admin': '1' } });
        expect(answer.status, `${method} ${path}`).toBe(401);
        expect(answer.json['error'], `${method} ${path}`).toBe('second-factor-required');
      }
      expect((await ctx.browser().call('GET', '/2fa/status')).json['error']).toBe('not-signed-in');
      expect((await ctx.browser().call('GET', '/2fa/login')).json['error']).toBe('no-pending-login');
    });

    it('verify: 401 with attempts left, 429 with Retry-After while locked, then sign-in, a new session id and the trusted-browser cookie', async () => {
      const { secret } = await enrollTotp(ctx.h, 'ana');
      const client = ctx.browser();
      await client.call('POST', '/password/ana', {});
      expect(await client.call('GET', '/2fa/login')).toMatchObject({
        status: 200,
        json: { pending: true, methods: ['totp', 'backup-code'], trustDays: 14 },
      });
      expect(await client.call('POST', '/2fa/login/verify', { code: '000000' })).toMatchObject({
        status: 401,
        json: {
          reason: 'invalid-code',
          attemptsLeft: 4,
          message: 'Invalid authentication code. 4 attempts left.',
        },
      });
      await client.call('POST', '/2fa/login/verify', { code: '000000' });
      const locked = await client.call('POST', '/2fa/login/verify', { code: '000000' });
      expect(locked.status).toBe(429);
      expect(locked.headers.get('retry-after')).toBe('300');
      expect(locked.json['message']).toBe('Please try again in five minutes.');
      ctx.h.clock.advance(5 * MINUTE);
      const sessionBefore = client.cookies.get('sid');
      const firefox = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
      const verified = await client.call(
        'POST',
        '/2fa/login/verify',
        { code: ctx.code(secret), rememberDevice: true },
        { headers: { 'user-agent': firefox } },
      );
      expect(verified.status).toBe(200);
      expect(client.cookies.get('sid')).not.toBe(sessionBefore);
      const cookie =
        verified.headers.getSetCookie().find((line) => line.startsWith('factorkit_device=')) ?? '';
      expect(cookie).toMatch(/^factorkit_device=[A-Za-z0-9_-]{43};/);
      expect(cookie).toMatch(/Max-Age=1209600/);
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Lax/);
      expect(verified.headers.get('cache-control')).toBe('no-store');
      expect((await client.call('GET', '/app')).status).toBe(200);
      // The cookie skips the code on the next sign-in, in another session.
      const again = ctx.browser();
      again.cookies.set('factorkit_device', client.cookies.get('factorkit_device') ?? '');
      expect((await again.call('POST', '/password/ana', {})).json['status']).toBe('trusted-device');
      const devices = (await again.call('GET', '/2fa/devices')).json;
      expect(devices['current']).toEqual(expect.any(String));
      // The browser trusted under its user agent's label (made only when a browser is trusted).
      expect(JSON.stringify(devices)).toContain('"Firefox on Linux"');
    });

    it('the pending login reports its lock (Retry-After, the words, the attempts left): a reload of the code page keeps the countdown', async () => {
      await enrollTotp(ctx.h, 'ana');
      const client = ctx.browser();
      await client.call('POST', '/password/ana', {});
      expect((await client.call('GET', '/2fa/login')).json).toEqual({
        pending: true,
        methods: ['totp', 'backup-code'],
        trustDays: 14,
        locked: false,
      });
      for (let attempt = 1; attempt <= 3; attempt++) {
        await client.call('POST', '/2fa/login/verify', { code: '000000' });
      }
      const lockedAt = ctx.h.clock.now();
      ctx.h.clock.advance(MINUTE);
      const reloaded = await client.call('GET', '/2fa/login');
      expect(reloaded.status).toBe(200);
      expect(reloaded.headers.get('retry-after')).toBe('240');
      expect(reloaded.headers.get('cache-control')).toBe('no-store');
      expect(reloaded.json).toEqual({
        pending: true,
        methods: ['totp', 'backup-code'],
        trustDays: 14,
        locked: true,
        retryAt: lockedAt + 5 * MINUTE,
        attemptsLeft: 2,
        message: 'Please try again in four minutes.',
      });
      // Reading the lock takes no attempt: the next code still gets its two.
      ctx.h.clock.advance(4 * MINUTE);
      const after = await client.call('GET', '/2fa/login');
      expect(after.json['locked']).toBe(false);
      expect(after.headers.get('retry-after')).toBeNull();
      expect((await client.call('POST', '/2fa/login/verify', { code: '000000' })).json['attemptsLeft']).toBe(
        1,
      );
    });

    it('the account lock shows on the pending login of another session (a lock armed elsewhere)', async () => {
      await enrollTotp(ctx.h, 'ana');
      // Guessing across fresh challenges: each takes three before its own lock; the account's budget
      // runs out first (the schedule of docs/policy.md), and a new login inherits that lock.
      let retryAt = 0;
      for (let round = 0; round < 10 && retryAt === 0; round++) {
        const guesser = ctx.browser();
        await guesser.call('POST', '/password/ana', {});
        for (let attempt = 1; attempt <= 3; attempt++) {
          const answer = await guesser.call('POST', '/2fa/login/verify', { code: '000000' });
          if (answer.status === 429) ctx.h.clock.advance(5 * MINUTE + 1000);
        }
        const fresh = ctx.browser();
        await fresh.call('POST', '/password/ana', {});
        const state = await fresh.call('GET', '/2fa/login');
        if (state.json['locked'] === true) {
          retryAt = Number(state.json['retryAt']);
          expect(state.json['attemptsLeft']).toBe(5);
          expect(Number(state.headers.get('retry-after'))).toBeGreaterThan(0);
          const refused = await fresh.call('POST', '/2fa/login/verify', { code: '000000' });
          expect(refused).toMatchObject({ status: 429, json: { reason: 'locked', retryAt } });
        }
      }
      expect(retryAt).toBeGreaterThan(ctx.h.clock.now());
    });

    it('bodies: 400 naming the field, 400 invalid-json, 413 too-large, 415 for a form, 403 for a cross-site origin and for the csrf hook', async () => {
      const { secret } = await enrollTotp(ctx.h, 'ana');
      const client = ctx.browser();
      await ctx.signIn(client, 'ana', secret);
      expect(await client.call('POST', '/2fa/email/setup', { address: 42 })).toMatchObject({
        status: 400,
        json: { error: 'invalid-input', field: 'address' },
      });
      expect((await client.call('POST', '/2fa/totp/confirm', {})).json['field']).toBe('code');
      expect((await client.call('POST', '/2fa/email/setup', { address: 'not-an-email' })).json['field']).toBe(
        'address',
      );
      const raw = (body: string, type: string) => ({ raw: { body, type } });
      expect(
        (await client.call('POST', '/2fa/totp/setup', undefined, raw('{"a":', 'application/json'))).json[
          'error'
        ],
      ).toBe('invalid-json');
      expect(
        (await client.call('POST', '/2fa/totp/setup', undefined, raw('x'.repeat(20_000), 'application/json')))
          .status,
      ).toBe(413);
      expect(
        (
          await client.call(
            'POST',
            '/2fa/totp/setup',
            undefined,
            raw('a=1', 'application/x-www-form-urlencoded'),
          )
        ).status,
      ).toBe(415);
      expect(
        (await client.call('POST', '/2fa/totp/setup', {}, { headers: { origin: 'https://evil.example' } }))
          .status,
      ).toBe(403);
      await ctx.restart({ csrf: () => false }, { policy: { frequency: { trustDays: 14 } } });
      const ben = await enrollTotp(ctx.h, 'ben');
      const other = ctx.browser();
      await other.call('POST', '/password/ben', {});
      expect(await other.call('POST', '/2fa/login/verify', { code: ctx.code(ben.secret) })).toMatchObject({
        status: 403,
        json: { error: 'csrf' },
      });
    });

    it('step-up: sensitive changes need a second factor from the last 10 minutes', async () => {
      const { secret } = await enrollTotp(ctx.h, 'ana');
      const client = ctx.browser();
      await ctx.signIn(client, 'ana', secret);
      expect((await client.call('POST', '/2fa/backup-codes/regenerate', {})).status).toBe(200);
      expect((await client.call('POST', '/app/sensitive', {})).status).toBe(200);
      ctx.h.clock.advance(11 * MINUTE);
      for (const [path, body] of [
        ['/2fa/backup-codes/regenerate', {}],
        ['/2fa/disable', { method: 'totp' }],
        ['/2fa/devices/revoke-all', {}],
        ['/app/sensitive', {}],
      ] as const) {
        expect(await client.call('POST', path, body), path).toMatchObject({
          status: 403,
          json: { error: 'step-up-required' },
        });
      }
      expect((await client.call('POST', '/2fa/step-up/start', {})).json['methods']).toContain('totp');
      expect((await client.call('POST', '/2fa/step-up/verify', { code: '000000' })).status).toBe(401);
      expect((await client.call('POST', '/2fa/step-up/verify', { code: ctx.code(secret) })).status).toBe(200);
      expect(
        (await client.call('POST', '/2fa/step-up/verify', { code: ctx.code(secret) })).json['error'],
      ).toBe('no-step-up');
      expect((await client.call('POST', '/2fa/disable', { method: 'totp' })).status).toBe(200);
      expect((await ctx.h.tf.status('ana')).totp).toBe(false);
    });

    it('admin endpoints: 403 for non-admins, the code and the reset for admins, the policy', async () => {
      const ana = await enrollTotp(ctx.h, 'ana');
      await enrollTotp(ctx.h, 'ben');
      const client = ctx.browser();
      await ctx.signIn(client, 'ana', ana.secret);
      expect((await client.call('POST', '/2fa/admin/users/ben/backup-code', {})).json['error']).toBe(
        'not-authorized',
      );
      expect((await client.call('PUT', '/2fa/policy', { frequency: 'every-login' })).status).toBe(403);
      const admin = { headers: { 'x-admin': '1' } };
      const issued = await client.call('POST', '/2fa/admin/users/ben/backup-code', {}, admin);
      expect(issued.status).toBe(200);
      expect(issued.json['code']).toMatch(/^[0-9a-z]{4}(-[0-9a-z]{4}){3}$/);
      expect(
        (await client.call('PUT', '/2fa/policy', { frequency: 'every-login' }, admin)).json['frequency'],
      ).toBe('every-login');
      expect((await client.call('GET', '/2fa/policy')).json['frequency']).toBe('every-login');
      expect((await client.call('POST', '/2fa/admin/users/ben/reset', {}, admin)).status).toBe(200);
      expect((await ctx.h.tf.status('ben')).enabled).toBe(false);
    });

    it('status, email setup and confirm, backup codes view and download, devices list and revoke', async () => {
      const client = ctx.browser();
      expect((await client.call('POST', '/password/ana', {})).json['status']).toBe('not-required');
      expect((await client.call('GET', '/2fa/status')).json).toEqual({
        enabled: false,
        totp: false,
        email: null,
        securityKeys: 0,
        backupCodesRemaining: 0,
      });
      expect(
        (await client.call('POST', '/2fa/email/setup', { address: 'ana@example.com' })).json,
      ).toMatchObject({
        ok: true,
        sentTo: 'a***@example.com',
      });
      expect((await client.call('POST', '/2fa/email/confirm', { code: '000000' })).status).toBe(401);
      const confirmed = await client.call('POST', '/2fa/email/confirm', {
        code: ctx.h.lastEmailCode('ana@example.com'),
      });
      expect(confirmed.json['backupCodes']).toHaveLength(10);
      const codes = confirmed.json['backupCodes'] as string[];
      expect((await client.call('GET', '/2fa/backup-codes')).json).toMatchObject({
        total: 10,
        remaining: 10,
      });
      const download = await client.call('POST', '/2fa/backup-codes/download', { codes });
      expect(download.headers.get('content-disposition')).toMatch(
        /^attachment; filename="backup-codes\.txt"$/,
      );
      for (const code of codes) expect(download.text).toContain(code);
      expect((await client.call('GET', '/2fa/devices')).json).toEqual({ devices: [], current: null });
      expect((await client.call('DELETE', '/2fa/devices/AAAAAAAAAAAAAAAAAAAAAA')).status).toBe(404);
    });

    it('an ended challenge sends the user back to the password', async () => {
      await enrollTotp(ctx.h, 'ana');
      const client = ctx.browser();
      await client.call('POST', '/password/ana', {});
      for (let i = 0; i < 4; i++) {
        await client.call('POST', '/2fa/login/verify', { code: '000000' });
        ctx.h.clock.advance(5 * MINUTE);
      }
      expect(await client.call('POST', '/2fa/login/verify', { code: '000000' })).toMatchObject({
        status: 401,
        json: { reason: 'challenge-ended' },
      });
      expect((await client.call('POST', '/2fa/login/verify', { code: '000000' })).json['error']).toBe(
        'no-pending-login',
      );
    });

    it('when the org requires 2FA, a user without a method reaches only the setup endpoints until one is confirmed', async () => {
      await ctx.h.tf.policy.set({ required: true });
      const client = ctx.browser();
      expect((await client.call('POST', '/password/newbie', {})).json['status']).toBe('setup-required');
      expect(await client.call('GET', '/app')).toMatchObject({
        status: 403,
        json: { error: 'setup-required' },
      });
      expect((await client.call('GET', '/2fa/devices')).status).toBe(403);
      const setup = await client.call('POST', '/2fa/totp/setup', {});
      expect(setup.status).toBe(200);
      const sessionBefore = client.cookies.get('sid');
      const confirmed = await client.call('POST', '/2fa/totp/confirm', {
        code: ctx.code(String(setup.json['secret'])),
      });
      expect(confirmed.json['backupCodes']).toHaveLength(10);
      expect(client.cookies.get('sid')).not.toBe(sessionBefore);
      expect((await client.call('GET', '/app')).status).toBe(200);
    });

    it('once 2FA is on, linking another app or adding email needs a recent second factor', async () => {
      const { secret } = await enrollTotp(ctx.h, 'ana');
      const client = ctx.browser();
      await ctx.signIn(client, 'ana', secret);
      ctx.h.clock.advance(11 * MINUTE);
      expect((await client.call('POST', '/2fa/totp/setup', {})).json['error']).toBe('step-up-required');
      expect(
        (await client.call('POST', '/2fa/email/setup', { address: 'ana@example.com' })).json['error'],
      ).toBe('step-up-required');
      await client.call('POST', '/2fa/step-up/start', {});
      expect((await client.call('POST', '/2fa/step-up/verify', { code: ctx.code(secret) })).status).toBe(200);
      expect((await client.call('POST', '/2fa/email/setup', { address: 'ana@example.com' })).status).toBe(
        200,
      );
    });

    it('login by email: the code is sent, a resend within the minute is 429 with Retry-After, the emailed code signs in', async () => {
      await enrollEmail(ctx.h, 'ana');
      const client = ctx.browser();
      expect((await client.call('POST', '/password/ana', {})).json['status']).toBe('challenge');
      const sentAt = ctx.h.clock.now();
      expect(await client.call('POST', '/2fa/login/email', {})).toMatchObject({
        status: 200,
        json: { ok: true, sentTo: 'a***@example.com' },
      });
      const mails = ctx.h.mailer.sent.length;
      ctx.h.clock.advance(20_000);
      const again = await client.call('POST', '/2fa/login/email', {});
      expect(again).toMatchObject({
        status: 429,
        json: {
          ok: false,
          reason: 'cooldown',
          retryAt: sentAt + MINUTE,
          message: 'Please wait 40 seconds before sending another code.',
        },
      });
      expect(again.headers.get('retry-after')).toBe('40');
      expect(ctx.h.mailer.sent).toHaveLength(mails);
      const code = ctx.h.lastEmailCode('ana@example.com');
      expect(await client.call('POST', '/2fa/login/verify', { code })).toMatchObject({
        status: 200,
        json: { ok: true, method: 'email' },
      });
    });

    it('login by email without an email method is 409 no-email', async () => {
      await enrollTotp(ctx.h, 'ana');
      const client = ctx.browser();
      await client.call('POST', '/password/ana', {});
      expect(await client.call('POST', '/2fa/login/email', {})).toMatchObject({
        status: 409,
        json: { ok: false, reason: 'no-email' },
      });
    });

    it('step-up by email: 409 before a start, then the code is sent, a resend is 429 with Retry-After, the emailed code is a fresh factor', async () => {
      await enrollEmail(ctx.h, 'ana');
      const client = ctx.browser();
      await client.call('POST', '/password/ana', {});
      await client.call('POST', '/2fa/login/email', {});
      const code = ctx.h.lastEmailCode('ana@example.com');
      expect((await client.call('POST', '/2fa/login/verify', { code })).status).toBe(200);
      ctx.h.clock.advance(11 * MINUTE);
      expect((await client.call('POST', '/app/sensitive', {})).status).toBe(403);
      expect(await client.call('POST', '/2fa/step-up/email', {})).toMatchObject({
        status: 409,
        json: { error: 'no-step-up' },
      });
      expect((await client.call('POST', '/2fa/step-up/start', {})).json['methods']).toContain('email');
      expect(await client.call('POST', '/2fa/step-up/email', {})).toMatchObject({
        status: 200,
        json: { ok: true, sentTo: 'a***@example.com' },
      });
      const again = await client.call('POST', '/2fa/step-up/email', {});
      expect(again).toMatchObject({ status: 429, json: { ok: false, reason: 'cooldown' } });
      expect(again.headers.get('retry-after')).toBe('60');
      const stepUpCode = ctx.h.lastEmailCode('ana@example.com');
      expect(stepUpCode).not.toBe(code);
      expect((await client.call('POST', '/2fa/step-up/verify', { code: stepUpCode })).status).toBe(200);
      expect((await client.call('POST', '/app/sensitive', {})).status).toBe(200);
    });

    it('a store outage is 503 store-unavailable on the endpoints and the guards: it fails closed, shows no internals and reaches onError', async () => {
      let down = false;
      await ctx.restart({}, (store) => ({ store: storeWithOutage(store, () => down) }));
      const { secret } = await enrollTotp(ctx.h, 'ana');
      const signedIn = ctx.browser();
      await ctx.signIn(signedIn, 'ana', secret);
      const pending = ctx.browser();
      await pending.call('POST', '/password/ana', {});
      down = true;
      const answers = [
        await pending.call('POST', '/2fa/login/verify', { code: ctx.code(secret) }),
        await signedIn.call('GET', '/2fa/status'),
        await signedIn.call('POST', '/2fa/step-up/start', {}),
        await signedIn.call('GET', '/app'),
      ];
      for (const answer of answers) {
        expect(answer).toMatchObject({
          status: 503,
          json: {
            error: 'store-unavailable',
            message: 'The service is unavailable. Please try again shortly.',
          },
        });
        expect(answer.text).not.toMatch(internals);
      }
      expect(ctx.errors).toHaveLength(answers.length);
      for (const error of ctx.errors) expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE' });
      down = false;
      expect((await signedIn.call('GET', '/2fa/status')).status).toBe(200);
      expect((await pending.call('POST', '/2fa/login/verify', { code: ctx.code(secret) })).status).toBe(200);
    });

    it('a bug in a store and a corrupt stored record are 500 internal (not 400 or 503): no internals, and onError gets BUG and CORRUPT_RECORD', async () => {
      let bug: Error | null = null;
      let raw: Store | undefined;
      await ctx.restart({}, (store) => {
        raw = store;
        return { store: storeWithFault(store, () => bug) };
      });
      const { secret } = await enrollTotp(ctx.h, 'ana');
      const signedIn = ctx.browser();
      await ctx.signIn(signedIn, 'ana', secret);
      bug = new TypeError("Cannot read properties of undefined (reading 'fields') at /srv/app/store.ts:7");
      const buggy = await signedIn.call('GET', '/2fa/status');
      bug = null;
      // The replay floor is not a number: the record was damaged or written by something else.
      await raw!.commit(
        [{ type: 'merge', key: storeKeys.user('ana'), fields: { [userFields.totpStep]: 'step nine' } }],
        ctx.h.clock.now(),
      );
      const pending = ctx.browser();
      await pending.call('POST', '/password/ana', {});
      const corrupt = await pending.call('POST', '/2fa/login/verify', { code: ctx.code(secret) });
      for (const answer of [buggy, corrupt]) {
        expect(answer).toMatchObject({ status: 500, json: { error: 'internal' } });
        expect(answer.text).not.toMatch(internals);
        expect(answer.text).not.toContain('step nine');
      }
      expect(ctx.errors).toMatchObject([{ code: 'BUG' }, { code: 'CORRUPT_RECORD' }]);
    });

    it('a mailer that fails is 502 mail-failed on each route that sends a code: it shows no internals and reaches onError', async () => {
      await enrollEmail(ctx.h, 'ana');
      const signedIn = ctx.browser();
      await signedIn.call('POST', '/password/ana', {});
      await signedIn.call('POST', '/2fa/login/email', {});
      const code = ctx.h.lastEmailCode('ana@example.com');
      expect((await signedIn.call('POST', '/2fa/login/verify', { code })).status).toBe(200);
      await signedIn.call('POST', '/2fa/step-up/start', {});
      const pending = ctx.browser();
      await pending.call('POST', '/password/ana', {});
      ctx.h.mailer.send = async () => {
        throw new Error('554 5.7.1 relay refused by smtp.internal.example at /srv/app/mail.ts:9');
      };
      const sends: Array<[TestClient, string, unknown]> = [
        [pending, '/2fa/login/email', {}],
        [signedIn, '/2fa/step-up/email', {}],
        [signedIn, '/2fa/email/setup', { address: 'ana@work.example' }],
      ];
      for (const [client, path, body] of sends) {
        ctx.h.clock.advance(MINUTE); // past the resend cooldown, which a failed send takes too
        const answer = await client.call('POST', path, body);
        expect(answer, path).toMatchObject({
          status: 502,
          json: { error: 'mail-failed', message: 'The email could not be sent. Please try again later.' },
        });
        expect(answer.text, path).not.toMatch(internals);
      }
      expect(ctx.errors).toEqual(sends.map(() => expect.objectContaining({ code: 'MAIL_FAILED' })));
    });

    it('messages: a partial catalogue replaces its messages (a 401 and a 429) and leaves the others English', async () => {
      await ctx.restart({ messages: french });
      await enrollTotp(ctx.h, 'ana');
      const client = ctx.browser();
      await client.call('POST', '/password/ana', {});
      expect(await client.call('POST', '/2fa/login/verify', { code: '000000' })).toMatchObject({
        status: 401,
        json: { reason: 'invalid-code', attemptsLeft: 4, message: 'Code incorrect. Encore 4 essai(s).' },
      });
      await client.call('POST', '/2fa/login/verify', { code: '000000' });
      const locked = await client.call('POST', '/2fa/login/verify', { code: '000000' });
      expect(locked).toMatchObject({
        status: 429,
        json: { reason: 'locked', message: 'Veuillez réessayer dans cinq minutes.' },
      });
      expect(locked.headers.get('retry-after')).toBe('300');
      expect(await client.call('GET', '/2fa/status')).toMatchObject({
        status: 401,
        json: { error: 'second-factor-required', message: 'Enter your authentication code to continue.' },
      });
    });

    it("messages: a per-request catalogue words each answer in its request's language", async () => {
      await ctx.restart({ messages: (language) => (language?.startsWith('fr') ? french : undefined) });
      await enrollTotp(ctx.h, 'ana');
      const client = ctx.browser();
      await client.call('POST', '/password/ana', {});
      const inFrench = { headers: { 'accept-language': 'fr-CH, fr;q=0.9, en;q=0.8' } };
      const wrong = (options = {}) => client.call('POST', '/2fa/login/verify', { code: '000000' }, options);
      expect((await wrong(inFrench)).json['message']).toBe('Code incorrect. Encore 4 essai(s).');
      expect((await wrong()).json['message']).toBe('Invalid authentication code. 3 attempts left.');
      const locked = await wrong(inFrench);
      expect(locked).toMatchObject({
        status: 429,
        json: { reason: 'locked', message: 'Veuillez réessayer dans cinq minutes.' },
      });
      expect((await wrong()).json['message']).toBe('Please try again in five minutes.');
    });

    it('the OpenAPI document is served when the host turns it on: docs/openapi.json', async () => {
      expect((await ctx.browser().call('GET', '/2fa/openapi.json')).status).toBe(404);
      await ctx.restart({ openApi: { prefix: '/2fa' } });
      const served = await ctx.browser().call('GET', '/2fa/openapi.json');
      expect(served.status).toBe(200);
      expect(served.headers.get('content-type')).toMatch(/^application\/json/);
      const committed = readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8');
      expect(served.json).toEqual(JSON.parse(committed));
      expect(served.json['openapi']).toBe('3.1.0');
    });
  },
  { policy: { frequency: { trustDays: 14 } } },
);
