import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { twoFactorApp } from '../../src/adapters/hono.js';
import type { TwoFactor } from '../../src/app/create-two-factor.js';
import { Keyring } from '../../src/core/keyring.js';
import type { SessionState } from '../../src/http/session.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { enrollTotp, type Harness, KEY, makeTwoFactor, testKey } from '../helpers/harness.js';

/** A Hono host with the built-in session, driven by app.fetch with a cookie jar of one cookie. */
function host(h: Harness, options: Parameters<typeof twoFactorApp>[1] = {}) {
  const app = new Hono();
  const twoFactor = twoFactorApp(h.tf, { cookie: { secure: false }, now: h.clock.now, ...options });
  app.route('/2fa', twoFactor);
  app.post('/password/:userId', async (c) => c.json(await twoFactor.beginLogin(c, c.req.param('userId'))));
  app.post('/sign-out', async (c) => {
    await twoFactor.signOut(c);
    return c.json({ ok: true });
  });
  app.get('/app', twoFactor.requireSignedIn, async (c) => c.json({ id: await twoFactor.userId(c) }));
  return { app, twoFactor };
}

/** A browser holding one cookie (the session's), sending JSON. */
function browser(app: Hono, name = 'factorkit_session') {
  const jar = { cookie: undefined as string | undefined, lines: [] as string[] };
  const call = async (method: string, path: string, body?: unknown) => {
    const headers: Record<string, string> = {};
    if (jar.cookie !== undefined) headers['cookie'] = `${name}=${jar.cookie}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const init: RequestInit = { method, headers };
    if (body !== undefined) init.body = JSON.stringify(body);
    const response = await app.fetch(new Request(`http://localhost${path}`, init));
    jar.lines = response.headers.getSetCookie().filter((line) => line.startsWith(`${name}=`));
    const last = jar.lines.at(-1);
    if (last !== undefined) {
      const value = last.slice(name.length + 1).split(';')[0]!;
      jar.cookie = /Max-Age=0/.test(last) ? undefined : value;
    }
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };
  return { jar, call };
}

async function signIn(h: Harness, app: Hono, userId: string, secret: string) {
  const b = browser(app);
  expect((await b.call('POST', `/password/${userId}`, {})).json['status']).toBe('challenge');
  const code = h.totp.generateCode(secret, h.clock.now());
  expect((await b.call('POST', '/2fa/login/verify', { code })).status).toBe(200);
  h.clock.advance(30_000);
  return b;
}

/**
 * The built-in session of the web-standard adapter: zero session code for the host, and the
 * properties of the session contract kept (a new cookie at every privilege change, the state bound
 * to its user, factorkit's registry deciding whether a session is open).
 */
describe('the built-in cookie session (factorkit/hono)', () => {
  it('the cookie is HttpOnly, SameSite=Lax, Secure unless turned off, ends with the browser unless maxAgeMs; named as asked', async () => {
    const h = makeTwoFactor(new MemoryStore());
    const { app } = host(h, { cookie: {} });
    const b = browser(app);
    await b.call('POST', '/password/ana', {});
    expect(b.jar.lines).toHaveLength(1);
    expect(b.jar.lines[0]).toMatch(/^factorkit_session=v1\.[^;]+; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    const named = host(h, { sessionCookie: { name: 'sid', maxAgeMs: 3_600_000 }, cookie: { secure: false } });
    const other = browser(named.app, 'sid');
    await other.call('POST', '/password/ana', {});
    expect(other.jar.lines[0]).toMatch(/^sid=v1\.[^;]+; Max-Age=3600; Path=\/; HttpOnly; SameSite=Lax$/);
  });

  it('a whole sign-in with no session code: password, code, signed in; sign-out clears the cookie and kills every copy', async () => {
    const h = makeTwoFactor(new MemoryStore());
    const ana = await enrollTotp(h, 'ana');
    const { app } = host(h);
    const b = await signIn(h, app, 'ana', ana.secret);
    expect(await b.call('GET', '/app')).toEqual({ status: 200, json: { id: 'ana' } });
    const copy = browser(app);
    copy.jar.cookie = b.jar.cookie;
    expect((await copy.call('GET', '/app')).status).toBe(200);
    await b.call('POST', '/sign-out', {});
    expect(b.jar.lines[0]).toMatch(/^factorkit_session=; Max-Age=0/);
    expect(b.jar.cookie).toBeUndefined();
    // The copy still holds a well-sealed cookie: the registry says its session is closed.
    expect((await copy.call('GET', '/app')).status).toBe(401);
  });

  it('every privilege change seals a new cookie, and the cookie of the step before is dead', async () => {
    const h = makeTwoFactor(new MemoryStore());
    const ana = await enrollTotp(h, 'ana');
    const { app } = host(h);
    const b = browser(app);
    await b.call('POST', '/password/ana', {});
    const pending = b.jar.cookie;
    await b.call('POST', '/2fa/login/verify', { code: h.totp.generateCode(ana.secret, h.clock.now()) });
    expect(b.jar.cookie).not.toBe(pending);
    const old = browser(app);
    old.jar.cookie = pending;
    expect((await old.call('GET', '/2fa/login')).status).toBe(401);
    expect((await old.call('POST', '/2fa/login/verify', { code: '123456' })).status).toBe(401);
  });

  it('the state is sealed: the cookie shows no user id, a changed byte or a cookie of another name is no session (401, never 500)', async () => {
    const h = makeTwoFactor(new MemoryStore());
    const ana = await enrollTotp(h, 'user-ana-7731');
    const { app } = host(h);
    const b = await signIn(h, app, 'user-ana-7731', ana.secret);
    const cookie = b.jar.cookie!;
    expect(Buffer.from(cookie.split('.').at(-1)!, 'base64url').toString('latin1')).not.toContain('ana');
    const tampered = browser(app);
    const at = cookie.length - 30; // inside the ciphertext
    tampered.jar.cookie = `${cookie.slice(0, at)}${cookie[at] === 'A' ? 'B' : 'A'}${cookie.slice(at + 1)}`;
    expect((await tampered.call('GET', '/app')).status).toBe(401);
    // The same facade's cookie under another name opens nowhere else (the name is bound in).
    const named = host(h, { sessionCookie: { name: 'sid' } });
    const moved = browser(named.app, 'sid');
    moved.jar.cookie = cookie;
    expect((await moved.call('GET', '/app')).status).toBe(401);
    for (const junk of ['', 'x', 'v1.a.b.c', '%ZZ']) {
      const stranger = browser(app);
      stranger.jar.cookie = junk;
      expect((await stranger.call('GET', '/app')).status, junk).toBe(401);
    }
  });

  it('another app key cannot open the cookie; a rotated key (the old one kept under its id) still does', async () => {
    const store = new MemoryStore();
    const h = makeTwoFactor(store);
    const ana = await enrollTotp(h, 'ana');
    const b = await signIn(h, host(h).app, 'ana', ana.secret);
    const stranger = makeTwoFactor(store, { keys: testKey('b') });
    const elsewhere = browser(host(stranger).app);
    elsewhere.jar.cookie = b.jar.cookie;
    expect((await elsewhere.call('GET', '/app')).status).toBe(401);
    const rotated = makeTwoFactor(store, { keys: { current: testKey('b'), old: KEY } });
    rotated.clock.set(h.clock.now());
    const after = browser(host(rotated).app);
    after.jar.cookie = b.jar.cookie;
    expect(await after.call('GET', '/app')).toEqual({ status: 200, json: { id: 'ana' } });
  });

  it('a key rotation signs no one out: a cookie of the old key opens, goes back sealed under the new key, and opens once the old key is removed (issue 19 item 1)', async () => {
    const store = new MemoryStore();
    const h = makeTwoFactor(store);
    const ana = await enrollTotp(h, 'ana');
    const b = await signIn(h, host(h).app, 'ana', ana.secret);
    const before = b.jar.cookie!;
    const newKeyId = new Keyring(testKey('b')).currentId;
    expect(Keyring.keyIdOf(before)).not.toBe(newKeyId);
    const rotated = makeTwoFactor(store, { keys: { current: testKey('b'), old: KEY } });
    rotated.clock.set(h.clock.now());
    const during = browser(host(rotated).app);
    during.jar.cookie = before;
    expect(await during.call('GET', '/app')).toEqual({ status: 200, json: { id: 'ana' } });
    expect(during.jar.lines).toHaveLength(1);
    expect(Keyring.keyIdOf(during.jar.cookie!)).toBe(newKeyId);
    // Sealed under the current key already: the next request sets no cookie.
    expect((await during.call('GET', '/app')).status).toBe(200);
    expect(during.jar.lines).toHaveLength(0);
    // The old key removed: the re-sealed cookie is still signed in; one never brought back is not.
    const done = makeTwoFactor(store, { keys: testKey('b') });
    done.clock.set(h.clock.now());
    const { app } = host(done);
    const after = browser(app);
    after.jar.cookie = during.jar.cookie;
    expect(await after.call('GET', '/app')).toEqual({ status: 200, json: { id: 'ana' } });
    const stale = browser(app);
    stale.jar.cookie = before;
    expect((await stale.call('GET', '/app')).status).toBe(401);
  });

  it('stateOf reads a web-standard Request or its Headers (a Next.js proxy, a server component)', async () => {
    const h = makeTwoFactor(new MemoryStore());
    const ana = await enrollTotp(h, 'ana');
    const { app, twoFactor } = host(h);
    const b = await signIn(h, app, 'ana', ana.secret);
    const headers = new Headers({ cookie: `other=1; factorkit_session=${b.jar.cookie}` });
    const state = (await twoFactor.stateOf(
      new Request('http://localhost/dashboard', { headers }),
    )) as SessionState;
    expect(state).toMatchObject({ stage: 'signed-in', userId: 'ana' });
    expect(await twoFactor.stateOf(headers)).toEqual(state);
    expect(await twoFactor.stateOf(new Headers())).toBeNull();
    await b.call('POST', '/sign-out', {});
    expect(await twoFactor.stateOf(headers)).toBeNull();
  });

  it('your own session still works; then stateOf is CONFIG (it reads the built-in one)', async () => {
    const h = makeTwoFactor(new MemoryStore());
    const ana = await enrollTotp(h, 'ana');
    let held: unknown;
    const app = new Hono();
    const twoFactor = twoFactorApp(h.tf, {
      now: h.clock.now,
      session: () => ({
        get: () => held,
        set: (state) => {
          held = state;
        },
        rotate: () => undefined,
      }),
    });
    app.route('/2fa', twoFactor);
    app.post('/password', async (c) => c.json(await twoFactor.beginLogin(c, 'ana')));
    app.get('/app', twoFactor.requireSignedIn, (c) => c.json({ ok: true }));
    const b = browser(app);
    await b.call('POST', '/password', {});
    await b.call('POST', '/2fa/login/verify', { code: h.totp.generateCode(ana.secret, h.clock.now()) });
    expect(b.jar.cookie).toBeUndefined();
    expect((await b.call('GET', '/app')).status).toBe(200);
    expect(() => twoFactor.stateOf(new Headers())).toThrow(expect.objectContaining({ code: 'CONFIG' }));
  });

  it('a facade createTwoFactor did not make cannot seal: CONFIG when the app is built', () => {
    const h = makeTwoFactor(new MemoryStore());
    const copy = { ...h.tf } as TwoFactor;
    expect(() => twoFactorApp(copy)).toThrow(expect.objectContaining({ code: 'CONFIG' }));
  });
});
