// better-auth's side of `npm run bench -- http-stores`: a better-auth 1 app with its two-factor
// plugin on the bench's PostgreSQL, served over HTTP by its own Node handler. Run with node from the
// folder better-auth was installed into (bench/.better-auth-peer). It enrols APP_USERS users in TOTP
// through better-auth's own API, signs each in with the password (so each waits at the 2FA step,
// holding better-auth's two-factor cookie), then prints one JSON line: the port, and per user the
// cookie and the otpauth URI. It serves until its stdin closes. Passwords are compared as plain
// text: the bench times the TOTP step, not a password hash (scrypt would make enrolment take minutes).
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { betterAuth } from 'better-auth';
import { getMigrations } from 'better-auth/db/migration';
import { toNodeHandler } from 'better-auth/node';
import { twoFactor } from 'better-auth/plugins';

const project = createRequire(join(process.env.FACTORKIT_ROOT, 'package.json'));
const OTPAuth = project('otpauth');
const pool = new (project('pg').Pool)({ connectionString: process.env.APP_DATABASE, max: 32 });
const baseURL = 'http://127.0.0.1:3000';
const auth = betterAuth({
  database: pool,
  secret: 'bench-secret-of-at-least-32-characters!',
  baseURL,
  emailAndPassword: {
    enabled: true,
    password: { hash: async (password) => password, verify: async ({ hash, password }) => hash === password },
  },
  rateLimit: { enabled: false },
  plugins: [twoFactor({ issuer: 'Bench' })],
  logger: { disabled: true },
});
const { runMigrations } = await getMigrations(auth.options);
await runMigrations();

const cookiesOf = (headers) =>
  headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
const enrol = async (i) => {
  const email = `user${i}@example.com`;
  const password = `correct horse battery ${i}`;
  const signUp = await auth.api.signUpEmail({
    body: { email, password, name: `User ${i}` },
    returnHeaders: true,
  });
  const headers = new Headers({ cookie: cookiesOf(signUp.headers) });
  const { totpURI } = await auth.api.enableTwoFactor({ body: { password }, headers });
  await auth.api.verifyTOTP({ body: { code: OTPAuth.URI.parse(totpURI).generate() }, headers });
  const signIn = await auth.api.signInEmail({ body: { email, password }, returnHeaders: true });
  if (!signIn.response.twoFactorRedirect) throw new Error('better-auth did not ask for the second factor');
  return { cookie: cookiesOf(signIn.headers), totpURI };
};
const logins = [];
const count = Number(process.env.APP_USERS ?? 10);
for (let from = 0; from < count; from += 16) {
  const batch = Array.from({ length: Math.min(16, count - from) }, (_, k) => enrol(from + k));
  logins.push(...(await Promise.all(batch)));
}
const server = createServer(toNodeHandler(auth));
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
process.stdout.write(`${JSON.stringify({ port: server.address().port, origin: baseURL, logins })}\n`);
process.stdin.resume();
process.stdin.on('end', async () => {
  server.close();
  await pool.end();
});
