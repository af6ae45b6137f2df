import { request, type Server } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createExampleApp } from '../../examples/express/app.js';
import { createTwoFactor } from '../../src/app/create-two-factor.js';
import { MemoryMailer } from '../../src/mail/memory-mailer.js';
import type { Store } from '../../src/store/store.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { testKey } from '../helpers/harness.js';
import { closeServer, listenOnFreePort } from '../helpers/listen.js';
import { TestClient } from '../http/support/client.js';
import { storeWithOutage } from '../http/support/store-outage.js';

/** The example control panel over HTTP: what its pages and forms let a browser do. */
let server: Server | null = null;
afterEach(async () => {
  await closeServer(server);
  server = null;
  vi.unstubAllEnvs();
});

/** Starts the example; `env` is the NODE_ENV it starts under (Express reads it when the app is made). */
async function startExample(options: { required?: boolean; store?: Store; env?: string } = {}) {
  const tf = createTwoFactor({
    issuer: 'CloudFon CX',
    store: options.store ?? new MemoryStore(),
    mailer: new MemoryMailer(),
    keys: testKey('d'),
    policyCacheMs: 0,
    policy: { required: options.required ?? false },
    authorize: (actor) => actor.roles?.includes('admin') === true,
  });
  if (options.env) vi.stubEnv('NODE_ENV', options.env);
  const app = createExampleApp({ tf });
  const started = await listenOnFreePort(app);
  server = started.server;
  const { base } = started;
  return { tf, base, env: app.get('env') as string };
}

const form = (fields: Record<string, string>) => ({
  raw: { body: new URLSearchParams(fields).toString(), type: 'application/x-www-form-urlencoded' },
});
const ANA = { email: 'ana@cloudfon.example', password: 'agent-demo-1' };
const ADMIN = { email: 'admin@cloudfon.example', password: 'admin-demo-1' };

async function signIn(client: TestClient, who: { email: string; password: string }) {
  return client.call('POST', '/login', undefined, { ...form(who), headers: { origin: client.base } });
}

describe('example: sign-in', () => {
  it('finding 9: POST /login costs the same for a known and an unknown email', async () => {
    const { base } = await startExample();
    const client = new TestClient(base);
    // CPU time of this process (the server runs in it, scrypt on its main thread), not wall time:
    // another process's burst on a shared core stretches wall time, never this process's CPU time.
    const time = async (email: string) => {
      const started = process.cpuUsage();
      const answer = await signIn(client, { email, password: 'wrong-password' });
      expect(answer.status).toBe(401);
      const spent = process.cpuUsage(started);
      return spent.user + spent.system;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 12; i++) {
      known.push(await time(ANA.email));
      unknown.push(await time(`nobody-${i}@cloudfon.example`));
    }
    // The cheapest of each: noise (a GC, a cold cache) only ever adds time, so the minimum is what
    // one answer costs. Two scrypt runs against one would give about 2.
    const ratio = Math.min(...unknown) / Math.min(...known);
    expect(ratio).toBeLessThan(1.5);
    expect(ratio).toBeGreaterThan(1 / 1.5);
  });

  it('finding 10: a cross-site form post (login CSRF) is refused on every form', async () => {
    const { base } = await startExample();
    const client = new TestClient(base);
    for (const headers of [
      { origin: 'https://evil.example' },
      { 'sec-fetch-site': 'cross-site' },
      { origin: 'null' },
    ]) {
      for (const path of ['/login', '/logout']) {
        const answer = await client.call('POST', path, undefined, { ...form(ANA), headers });
        expect(answer.status, `${path} ${JSON.stringify(headers)}`).toBe(403);
        expect(answer.json['error']).toBe('csrf');
      }
    }
    expect(client.cookies.size).toBe(0);
    expect((await signIn(client, ANA)).status).toBe(302);
  });

  it('finding 11: with 2FA required, a password-only session reaches only the 2FA setup page', async () => {
    const { base } = await startExample({ required: true });
    const client = new TestClient(base);
    const login = await signIn(client, ADMIN);
    expect(login.headers.get('location')).toBe('/setup');
    expect((await client.call('GET', '/setup')).status).toBe(200);
    for (const path of ['/profile', '/settings/agents', '/settings/security']) {
      const answer = await client.call('GET', path);
      expect(answer.status, path).toBe(302);
      expect(answer.headers.get('location'), path).toBe('/setup');
    }
    expect((await client.call('GET', '/2fa/devices')).status).toBe(403);
    expect((await client.call('GET', '/2fa/status')).status).toBe(200);
  });
});

describe('example: errors never leak internals', () => {
  for (const env of ['development', 'production']) {
    it(`finding 7: oversized and malformed bodies and a store outage answer JSON codes on every route (NODE_ENV=${env})`, async () => {
      let down = false;
      const store = storeWithOutage(new MemoryStore(), () => down);
      const example = await startExample({ store, env });
      expect(example.env).toBe(env);
      const { base } = example;
      const client = new TestClient(base);
      expect((await signIn(client, ADMIN)).status).toBe(302);
      const leaks = /\bat \/|\/srv\/|\/work\/|node_modules|ECONNREFUSED|Error:/;
      const check = (answer: { status: number; text: string; headers: Headers }, what: string) => {
        expect(answer.text, what).not.toMatch(leaks);
        if (answer.status >= 500 || [400, 413, 415].includes(answer.status))
          expect(answer.headers.get('content-type'), what).toMatch(/^application\/json/);
      };
      const same = { origin: base };
      check(
        await client.call('POST', '/login', undefined, {
          ...form({ email: 'x'.repeat(10_000) }),
          headers: same,
        }),
        'big form',
      );
      const big = await client.call('POST', '/login', undefined, {
        ...form({ email: 'x'.repeat(10_000) }),
        headers: same,
      });
      expect(big).toMatchObject({ status: 413, json: { error: 'too-large' } });
      const bad = await client.call('POST', '/login', undefined, {
        raw: { body: 'email=%E0%A4%A', type: 'application/x-www-form-urlencoded' },
        headers: same,
      });
      check(bad, 'malformed form');
      down = true;
      const outage = await client.call('GET', '/profile');
      expect(outage).toMatchObject({ status: 503, json: { error: 'store-unavailable' } });
      for (const path of [
        '/',
        '/login',
        '/login/code',
        '/setup',
        '/profile',
        '/settings/security',
        '/settings/agents',
        '/dev/outbox',
        '/2fa/status',
        '/2fa/backup-codes',
        '/2fa/devices',
        '/2fa/policy',
      ]) {
        check(await client.call('GET', path), `GET ${path}`);
      }
      for (const path of [
        '/login',
        '/logout',
        '/2fa/login/verify',
        '/2fa/step-up/start',
        '/2fa/totp/setup',
      ]) {
        const answer = await client.call('POST', path, { code: '123456' }, { headers: same });
        check(answer, `POST ${path}`);
      }
    });
  }
});

describe('example: round 2', () => {
  it('round 2, finding 4: the outbox shows a visitor nothing, a user only their own mail, and only on loopback', async () => {
    const { base, tf } = await startExample();
    await tf.email.beginSetup('u-ana', 'ana@cloudfon.example');
    await tf.email.confirmSetup('u-ana', '000000');
    const anonymous = new TestClient(base);
    expect((await anonymous.call('GET', '/dev/outbox')).text).not.toContain('ana@cloudfon.example');
    const ben = new TestClient(base);
    await signIn(ben, { email: 'ben@cloudfon.example', password: 'agent-demo-2' });
    expect((await ben.call('GET', '/dev/outbox')).text).not.toContain('ana@cloudfon.example');
    const ana = new TestClient(base);
    await signIn(ana, ANA);
    expect((await ana.call('GET', '/dev/outbox')).text).toContain('ana@cloudfon.example');
    // A page reached through another name (DNS rebinding) gets nothing (fetch cannot set Host).
    const rebound = await new Promise<number>((resolve, reject) => {
      const url = new URL('/dev/outbox', base);
      const headers = { host: 'attacker.example', cookie: ana.cookieHeader() };
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, headers }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(rebound).toBe(404);
  });

  it('round 2: pages with personal data and codes are never cached', async () => {
    const { base } = await startExample();
    const client = new TestClient(base);
    await signIn(client, ANA);
    for (const path of ['/login', '/profile', '/dev/outbox']) {
      expect((await client.call('GET', path)).headers.get('cache-control'), path).toBe('no-store');
    }
  });
});
