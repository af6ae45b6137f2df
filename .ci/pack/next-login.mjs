// The Next.js example (examples/nextjs, docs/nextjs.md) as a browser would use it, on `next start`:
// the proxy guards /dashboard, the route handler serves the API, the built-in session carries the
// sign-in; a user turns on an authenticator app, signs out, and signs in with a code.
// Run from the app's folder (its factorkit is the packed tarball): node next-login.mjs <base-url>
import { TotpVerifier } from 'factorkit';

const base = process.argv[2];
let cookie = '';
async function call(method, path, body, headers = {}) {
  const init = { method, redirect: 'manual', headers: { cookie, ...headers } };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(`${base}${path}`, init);
  for (const line of response.headers.getSetCookie()) {
    if (line.startsWith('factorkit_session=')) cookie = /Max-Age=0/.test(line) ? '' : line.split(';')[0];
  }
  const text = await response.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: response.status, location: response.headers.get('location'), text, json };
}
const check = (ok, what, answer) => {
  if (ok) return;
  console.error(`Next.js example: ${what}: ${JSON.stringify(answer)?.slice(0, 500)}`);
  process.exit(1);
};

let answer = await call('GET', '/dashboard');
check(answer.status === 307 && answer.location?.endsWith('/login'), 'a stranger is sent to /login', answer);
answer = await call('POST', '/api/login', { email: 'ana@example.com', password: 'ana-demo-1' });
check(answer.json?.status === 'not-required' && cookie !== '', 'password alone signs in before 2FA', answer);
answer = await call('GET', '/dashboard');
check(
  answer.status === 200 && answer.text.includes('ana@example.com'),
  'the dashboard shows the user',
  answer,
);

// Turn on an authenticator app.
const totp = new TotpVerifier();
const setup = await call('POST', '/api/2fa/totp/setup', {});
check(setup.status === 200 && typeof setup.json?.secret === 'string', 'TOTP setup', setup);
answer = await call('POST', '/api/2fa/totp/confirm', {
  code: totp.generateCode(setup.json.secret, Date.now()),
});
check(answer.status === 200 && answer.json?.backupCodes?.length === 10, 'TOTP confirmed', answer);

// A sign-out posted from another site is refused; the real one ends the session.
answer = await call('POST', '/api/logout', undefined, { origin: 'https://evil.example' });
check(answer.status === 403, 'a cross-site sign-out is refused', answer);
answer = await call('POST', '/api/logout', undefined, { origin: base });
check(answer.status === 303 && cookie === '', 'sign-out clears the session', answer);

// Password, then the code.
answer = await call('POST', '/api/login', { email: 'ana@example.com', password: 'ana-demo-1' });
check(answer.json?.status === 'challenge', 'the password asks for a code', answer);
answer = await call('GET', '/dashboard');
check(answer.status === 307, 'a password-only session does not reach the dashboard', answer);
answer = await call('POST', '/api/2fa/login/verify', { code: 'abcdef' });
check(answer.status === 400 || answer.status === 401, 'a bad code is refused', answer);
// The next step's code: the confirmation used this step's (single use), the window takes one ahead.
const code = totp.generateCode(setup.json.secret, Date.now() + 30_000);
answer = await call('POST', '/api/2fa/login/verify', { code });
check(answer.status === 200 && answer.json?.method === 'totp', 'the code signs in', answer);
answer = await call('GET', '/dashboard');
check(answer.status === 200 && answer.text.includes('ana@example.com'), 'signed in with a code', answer);
console.log(
  `Next.js example on ${base}: sign-in with a TOTP code through the proxy, route handler and session: ok`,
);
