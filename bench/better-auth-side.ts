/**
 * better-auth beside factorkit on the same PostgreSQL (issue 24): better-auth 1 with its two-factor
 * plugin (installed from the npm registry into bench/.better-auth-peer, git-ignored) in a process of
 * its own (bench/better-auth/app.mjs), its TOTP step (`POST /api/auth/two-factor/verify-totp`, one
 * pending sign-in per request) under the bench's lean client (lean-client.ts), as factorkit's routes.
 */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as OTPAuth from 'otpauth';
import { leanRun, rawRequest } from './lean-client.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const peer = fileURLToPath(new URL('./.better-auth-peer', import.meta.url));
const app = fileURLToPath(new URL('./better-auth/app.mjs', import.meta.url));

/** better-auth, pinned to its major, installed once. */
function installBetterAuth(): void {
  if (existsSync(`${peer}/node_modules/better-auth/package.json`)) return;
  console.log('installing better-auth@1 into bench/.better-auth-peer ...');
  execFileSync('mkdir', ['-p', peer]);
  writeFileSync(`${peer}/package.json`, '{ "private": true, "type": "module" }\n');
  execFileSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--silent', '--ignore-scripts', 'better-auth@1'],
    {
      cwd: peer,
      stdio: 'inherit',
    },
  );
}

type Logins = { port: number; origin: string; logins: Array<{ cookie: string; totpURI: string }> };

/** `logins` TOTP steps at `connections`, each with its right code: every answer must be 200. */
async function verifyTotp(ready: Logins, logins: Logins['logins'], connections: number) {
  const requests = logins.map((login) => {
    const code = (OTPAuth.URI.parse(login.totpURI) as OTPAuth.TOTP).generate();
    const headers = { 'content-type': 'application/json', cookie: login.cookie, origin: ready.origin };
    return rawRequest('POST', '/api/auth/two-factor/verify-totp', headers, JSON.stringify({ code }));
  });
  const result = await leanRun(ready.port, connections, requests);
  if ([...result.statuses].some((status) => status !== 200))
    throw new Error(`better-auth: statuses ${[...result.statuses].join(', ')}: not the run intended`);
  return result;
}

/** better-auth's TOTP step on the PostgreSQL at `port`: `warmUp` sign-ins, then `total` measured. */
export async function benchBetterAuth(port: number, warmUp: number, total: number, connections: number) {
  installBetterAuth();
  // Run from the peer folder, so that its imports resolve to the better-auth installed there.
  copyFileSync(app, `${peer}/app.mjs`);
  const child = spawn(process.execPath, [`${peer}/app.mjs`], {
    cwd: peer,
    env: {
      ...process.env,
      FACTORKIT_ROOT: root,
      APP_DATABASE: `postgres://postgres@127.0.0.1:${port}/postgres`,
      APP_USERS: String(warmUp + total),
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  try {
    const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
    const ready = JSON.parse(line) as Logins;
    await verifyTotp(ready, ready.logins.slice(0, warmUp), connections);
    return await verifyTotp(ready, ready.logins.slice(warmUp), connections);
  } finally {
    child.stdin.end();
    await once(child, 'exit');
  }
}
