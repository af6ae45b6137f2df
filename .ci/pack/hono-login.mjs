// The packed factorkit/hono on a web-standard runtime: a whole login through app.fetch(Request) ->
// Response, with the adapter's built-in session (a cookie jar of one cookie), no server and no
// runtime-specific API. hono-fetch.mjs runs it on Node, Bun and Deno; workerd/worker.mjs on
// Cloudflare's workerd. Throws on the first wrong answer.
import { createTwoFactor, MemoryMailer, MemoryStore, TotpVerifier } from 'factorkit';
import { twoFactorApp } from 'factorkit/hono';
import { Hono } from 'hono';

/** A whole TOTP login with the built-in session; returns what was checked. */
export async function honoLogin() {
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
  if (!enabled.ok) throw new Error(`enrolment refused: ${JSON.stringify(enabled)}`);

  const app = new Hono();
  // No session option: the adapter's own cookie session.
  const twoFactor = twoFactorApp(tf, { now, cookie: { secure: false } });
  app.route('/2fa', twoFactor);
  app.post('/password', async (c) => c.json(await twoFactor.beginLogin(c, 'ana')));
  app.get('/me', twoFactor.requireSignedIn, async (c) => c.json({ id: await twoFactor.userId(c) }));

  let cookie = '';
  async function call(method, path, body) {
    const headers = { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
    const init = { method, headers, body: body === undefined ? undefined : JSON.stringify(body) };
    const response = await app.fetch(new Request(`http://localhost${path}`, init));
    for (const line of response.headers.getSetCookie()) {
      if (line.startsWith('factorkit_session=')) cookie = line.split(';')[0];
    }
    return { status: response.status, json: await response.json() };
  }
  const expect = (answer, status, what) => {
    if (answer.status !== status)
      throw new Error(`${what}: expected ${status}, got ${answer.status} ${JSON.stringify(answer.json)}`);
  };
  expect(await call('GET', '/me'), 401, 'a stranger on /me');
  const started = await call('POST', '/password', {});
  if (started.json.status !== 'challenge') throw new Error(`login start: ${JSON.stringify(started.json)}`);
  if (!cookie.startsWith('factorkit_session=v1.')) throw new Error(`no session cookie: ${cookie}`);
  expect(await call('GET', '/me'), 401, 'a password-only session on /me');
  const code = totp.generateCode(setup.secret, CLOCK_MS);
  const wrong = code === '000000' ? '111111' : '000000';
  expect(await call('POST', '/2fa/login/verify', { code: wrong }), 401, 'a wrong code');
  expect(await call('POST', '/2fa/login/verify', { code: 12 }), 400, 'a code that is not a string');
  expect(await call('POST', '/2fa/login/verify', { code }), 200, 'the right code');
  const me = await call('GET', '/me');
  expect(me, 200, 'the signed-in session on /me');
  if (me.json.id !== 'ana') throw new Error(`/me answered ${JSON.stringify(me.json)}`);
  expect(await call('GET', '/2fa/status'), 200, 'status');
  const state = await twoFactor.stateOf(new Headers({ cookie }));
  if (state?.stage !== 'signed-in') throw new Error(`stateOf: ${JSON.stringify(state)}`);
  return 'a whole login through app.fetch, built-in session';
}
