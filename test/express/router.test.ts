import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { twoFactorRouter } from '../../src/adapters/express.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { enrollTotp, type Harness, MINUTE, makeTwoFactor } from '../helpers/harness.js';

/** A test app: sessions keyed by an `x-session` header; POST /password signs in with the password only. */
let h: Harness;
let base = '';
let server: ReturnType<express.Express['listen']>;
const sessions = new Map<string, unknown>();
let csrfOk = true;

beforeAll(async () => {
  // One server for the file; each test swaps in a fresh app (new facade, clock and sessions).
  const app = express();
  app.use((req, res, next) => current(req, res, next));
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

let current: express.RequestHandler = (_req, _res, next) => next();
beforeEach(() => {
  h = makeTwoFactor(new MemoryStore(), { policy: { frequency: { trustDays: 14 } } });
  sessions.clear();
  csrfOk = true;
  const inner = express();
  const twoFactor = twoFactorRouter(h.tf, {
    // Sessions keyed by a header (rotation is a no-op here: test/http covers it).
    session: (req) => {
      const id = String(req.headers['x-session'] ?? 'anon');
      return { get: () => sessions.get(id), set: (state) => void sessions.set(id, state), rotate: () => {} };
    },
    getActor: (req) => (req.headers['x-admin'] === '1' ? { id: 'boss', roles: ['admin'] } : null),
    canManagePolicy: (req) => req.headers['x-admin'] === '1',
    csrf: () => csrfOk,
    cookie: { secure: false, name: 'tfd' },
    now: h.clock.now,
  });
  inner.post('/password/:userId', async (req, res) => {
    res.json(await twoFactor.beginLogin(req, String(req.params['userId'])));
  });
  inner.use('/2fa', twoFactor);
  inner.get('/app', twoFactor.requireSignedIn, (_req, res) => void res.json({ ok: true }));
  current = inner;
});

async function call(
  session: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const init: RequestInit = {
    method,
    headers: {
      'x-session': session,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
  };
  if (body !== undefined) init.body = JSON.stringify(body);
  const res = await fetch(`${base}${path}`, init);
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = { text };
  }
  return { status: res.status, json, headers: res.headers };
}

/** Signs `userId` in fully: password, then a TOTP code. */
async function signedIn(session: string, userId: string, secret: string) {
  await call(session, 'POST', `/password/${userId}`, {});
  const verify = await call(session, 'POST', '/2fa/login/verify', {
    code: h.totp.generateCode(secret, h.clock.now()),
  });
  expect(verify.status).toBe(200);
  h.clock.advance(30_000);
}

describe('factorkit/express', () => {
  it('a password-only session gets 401 on every protected route', async () => {
    await enrollTotp(h, 'ana');
    const start = await call('s1', 'POST', '/password/ana', {});
    expect(start.json['status']).toBe('challenge');
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
      ['DELETE', '/2fa/devices/x', {}],
      ['POST', '/2fa/step-up/start', {}],
      ['PUT', '/2fa/policy', { frequency: 'every-login' }],
      ['POST', '/2fa/admin/users/ben/backup-code', {}],
    ];
    for (const [method, path, body] of protectedRoutes) {
      const res = await call('s1', method, path, body, { 'x-admin': '1' });
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(res.json['error']).toBe('second-factor-required');
    }
    expect((await call('nobody', 'GET', '/2fa/status')).json['error']).toBe('not-signed-in');
  });

  it('verify: 401 with attempts left, 429 with Retry-After while locked, then sign-in and the trusted-browser cookie', async () => {
    const { secret } = await enrollTotp(h, 'ana');
    await call('s1', 'POST', '/password/ana', {});
    expect(await call('s1', 'POST', '/2fa/login/verify', { code: '000000' })).toMatchObject({
      status: 401,
      json: { reason: 'invalid-code', attemptsLeft: 4 },
    });
    await call('s1', 'POST', '/2fa/login/verify', { code: '000000' });
    const locked = await call('s1', 'POST', '/2fa/login/verify', { code: '000000' });
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBe('300');
    expect(locked.json['message']).toBe('Please try again in five minutes.');
    h.clock.advance(5 * MINUTE);
    const res = await fetch(`${base}/2fa/login/verify`, {
      method: 'POST',
      headers: { 'x-session': 's1', 'content-type': 'application/json' },
      body: JSON.stringify({ code: h.totp.generateCode(secret, h.clock.now()), rememberDevice: true }),
    });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^tfd=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/Max-Age=1209600/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect((await call('s1', 'GET', '/app')).status).toBe(200);
    // The cookie skips the code on the next sign-in.
    const token = cookie.split(';')[0]!;
    const again = await call('s2', 'POST', '/password/ana', {}, { cookie: token });
    expect(again.json['status']).toBe('trusted-device');
  });

  it('validates bodies with zod: 400 naming the field; JSON only (415); the CSRF hook (403)', async () => {
    const { secret } = await enrollTotp(h, 'ana');
    await signedIn('s1', 'ana', secret);
    expect(await call('s1', 'POST', '/2fa/email/setup', { address: 42 })).toMatchObject({
      status: 400,
      json: { error: 'invalid-input', field: 'address' },
    });
    expect(await call('s1', 'POST', '/2fa/totp/confirm', {})).toMatchObject({
      status: 400,
      json: { field: 'code' },
    });
    expect(await call('s1', 'POST', '/2fa/email/setup', { address: 'not-an-email' })).toMatchObject({
      status: 400,
      json: { field: 'address' },
    });
    const form = await fetch(`${base}/2fa/totp/setup`, {
      method: 'POST',
      headers: { 'x-session': 's1', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=1',
    });
    expect(form.status).toBe(415);
    csrfOk = false;
    expect((await call('s1', 'POST', '/2fa/totp/setup', {})).status).toBe(403);
  });

  it('step-up: sensitive changes need a second factor from the last 10 minutes', async () => {
    const { secret } = await enrollTotp(h, 'ana');
    await signedIn('s1', 'ana', secret);
    expect((await call('s1', 'POST', '/2fa/backup-codes/regenerate', {})).status).toBe(200);
    h.clock.advance(11 * MINUTE);
    for (const [path, body] of [
      ['/2fa/backup-codes/regenerate', {}],
      ['/2fa/disable', { method: 'totp' }],
      ['/2fa/devices/revoke-all', {}],
    ] as const) {
      expect(await call('s1', 'POST', path, body)).toMatchObject({
        status: 403,
        json: { error: 'step-up-required' },
      });
    }
    expect((await call('s1', 'POST', '/2fa/step-up/start', {})).json['methods']).toContain('totp');
    expect(
      (await call('s1', 'POST', '/2fa/step-up/verify', { code: h.totp.generateCode(secret, h.clock.now()) }))
        .status,
    ).toBe(200);
    expect((await call('s1', 'POST', '/2fa/disable', { method: 'totp' })).status).toBe(200);
    expect((await h.tf.status('ana')).totp).toBe(false);
  });

  it('admin endpoints: 403 for non-admins, the code for admins', async () => {
    const ana = await enrollTotp(h, 'ana');
    await enrollTotp(h, 'ben');
    await signedIn('s1', 'ana', ana.secret);
    expect((await call('s1', 'POST', '/2fa/admin/users/ben/backup-code', {})).status).toBe(403);
    expect((await call('s1', 'PUT', '/2fa/policy', { frequency: 'every-login' })).status).toBe(403);
    const issued = await call('s1', 'POST', '/2fa/admin/users/ben/backup-code', {}, { 'x-admin': '1' });
    expect(issued.status).toBe(200);
    expect(issued.json['code']).toMatch(/^[0-9a-z]{4}(-[0-9a-z]{4}){3}$/);
    expect(
      (await call('s1', 'PUT', '/2fa/policy', { frequency: 'every-login' }, { 'x-admin': '1' })).json[
        'frequency'
      ],
    ).toBe('every-login');
  });

  it('an ended challenge sends the user back to the password', async () => {
    await enrollTotp(h, 'ana');
    await call('s1', 'POST', '/password/ana', {});
    for (let i = 0; i < 4; i++) {
      await call('s1', 'POST', '/2fa/login/verify', { code: '000000' });
      h.clock.advance(5 * MINUTE);
    }
    expect(await call('s1', 'POST', '/2fa/login/verify', { code: '000000' })).toMatchObject({
      status: 401,
      json: { reason: 'challenge-ended' },
    });
    expect(await call('s1', 'POST', '/2fa/login/verify', { code: '000000' })).toMatchObject({
      status: 401,
      json: { error: 'no-pending-login' },
    });
  });

  it('download returns the backup-codes file as an attachment', async () => {
    const { secret, backupCodes } = await enrollTotp(h, 'ana');
    await signedIn('s1', 'ana', secret);
    const res = await fetch(`${base}/2fa/backup-codes/download`, {
      method: 'POST',
      headers: { 'x-session': 's1', 'content-type': 'application/json' },
      body: JSON.stringify({ codes: backupCodes }),
    });
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="?backup-codes\.txt"?$/);
    const text = await res.text();
    for (const code of backupCodes) expect(text).toContain(code);
  });
});

describe('factorkit/express when the org requires 2FA', () => {
  it('a user without a method reaches only the setup endpoints until a method is confirmed', async () => {
    await h.tf.policy.set({ required: true });
    expect((await call('s1', 'POST', '/password/newbie', {})).json['status']).toBe('setup-required');
    expect(await call('s1', 'GET', '/app')).toMatchObject({ status: 403, json: { error: 'setup-required' } });
    expect((await call('s1', 'GET', '/2fa/devices')).status).toBe(403);
    const setup = await call('s1', 'POST', '/2fa/totp/setup', {});
    expect(setup.status).toBe(200);
    const code = h.totp.generateCode(String(setup.json['secret']), h.clock.now());
    const confirmed = await call('s1', 'POST', '/2fa/totp/confirm', { code });
    expect(confirmed.status).toBe(200);
    expect(confirmed.json['backupCodes']).toHaveLength(10);
    expect((await call('s1', 'GET', '/app')).status).toBe(200);
  });
});

describe('factorkit/express step-up for adding a method', () => {
  it('once 2FA is on, linking another app or adding email needs a recent second factor', async () => {
    const { secret } = await enrollTotp(h, 'ana');
    await signedIn('s1', 'ana', secret);
    h.clock.advance(11 * MINUTE);
    expect(await call('s1', 'POST', '/2fa/totp/setup', {})).toMatchObject({
      status: 403,
      json: { error: 'step-up-required' },
    });
    expect(await call('s1', 'POST', '/2fa/email/setup', { address: 'ana@example.com' })).toMatchObject({
      status: 403,
      json: { error: 'step-up-required' },
    });
    await call('s1', 'POST', '/2fa/step-up/start', {});
    expect(
      (await call('s1', 'POST', '/2fa/step-up/verify', { code: h.totp.generateCode(secret, h.clock.now()) }))
        .status,
    ).toBe(200);
    expect((await call('s1', 'POST', '/2fa/email/setup', { address: 'ana@example.com' })).status).toBe(200);
  });
});
