// The packed factorkit/hono on a web-standard runtime (Node, Bun, Deno): a whole login through
// app.fetch(Request) -> Response, with no server and no Node-specific API in the host code.
import { createTwoFactor, MemoryMailer, MemoryStore, TotpVerifier } from 'factorkit';
import { twoFactorApp } from 'factorkit/hono';
import { Hono } from 'hono';

const runtime = globalThis.Bun
  ? `Bun ${globalThis.Bun.version}`
  : globalThis.Deno
    ? `Deno ${globalThis.Deno.version.deno}`
    : `Node ${process.version}`;
const fail = (what) => {
  console.error(`factorkit/hono on ${runtime}: ${what}`);
  process.exit(1);
};

// A fixed clock: the codes are known, and no TOTP step can end mid-check.
const CLOCK_MS = Date.UTC(2026, 0, 1, 12, 0, 10);
const now = () => CLOCK_MS;
const tf = createTwoFactor({
  issuer: 'Runtime check',
  now,
  store: new MemoryStore(),
  mailer: new MemoryMailer(),
  keys: '37384e49369e64f63188b924920c14541f8b3c564202e2f7c90bc60afeece76d', // a fixed test key
});
const totp = new TotpVerifier();
const setup = await tf.totp.beginSetup('ana', { accountName: 'ana@example.com' });
const enabled = await tf.totp.confirmSetup('ana', totp.generateCode(setup.secret, CLOCK_MS - 30_000));
if (!enabled.ok) fail(`enrolment refused: ${JSON.stringify(enabled)}`);

// One session, kept in a Map under a header (the host's own session in a real app).
const sessions = new Map();
const app = new Hono();
const twoFactor = twoFactorApp(tf, {
  now,
  session: (c) => {
    const id = c.req.header('x-session') ?? '';
    return {
      get: () => sessions.get(id),
      set: (state) => void sessions.set(id, state),
      rotate: () => undefined,
    };
  },
});
app.route('/2fa', twoFactor);
app.post('/password', async (c) => c.json(await twoFactor.beginLogin(c, 'ana')));
app.get('/me', twoFactor.requireSignedIn, async (c) => c.json({ id: await twoFactor.userId(c) }));

async function call(method, path, body) {
  const headers = {
    'x-session': 's1',
    ...(body === undefined ? {} : { 'content-type': 'application/json' }),
  };
  const response = await app.fetch(
    new Request(`http://localhost${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
  return { status: response.status, json: await response.json() };
}

const expect = (answer, status, what) => {
  if (answer.status !== status)
    fail(`${what}: expected ${status}, got ${answer.status} ${JSON.stringify(answer.json)}`);
};
expect(await call('GET', '/me'), 401, 'a stranger on /me');
const started = await call('POST', '/password', {});
if (started.json.status !== 'challenge') fail(`login start: ${JSON.stringify(started.json)}`);
expect(await call('GET', '/me'), 401, 'a password-only session on /me');
const code = totp.generateCode(setup.secret, CLOCK_MS);
const wrong = code === '000000' ? '111111' : '000000';
expect(await call('POST', '/2fa/login/verify', { code: wrong }), 401, 'a wrong code');
expect(await call('POST', '/2fa/login/verify', { code: 12 }), 400, 'a code that is not a string');
expect(await call('POST', '/2fa/login/verify', { code }), 200, 'the right code');
const me = await call('GET', '/me');
expect(me, 200, 'the signed-in session on /me');
if (me.json.id !== 'ana') fail(`/me answered ${JSON.stringify(me.json)}`);
expect(await call('GET', '/2fa/status'), 200, 'status');
console.log(`factorkit/hono on ${runtime}, through app.fetch: ok`);
