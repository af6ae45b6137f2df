import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TotpVerifier } from '../../src/core/otp/totp-verifier.js';

/** examples/fastify and examples/hono started as users run them (`tsx`, a free port). */
const root = fileURLToPath(new URL('../../', import.meta.url));
const STARTUP_MS = 30_000;
const STEP_MS = 30_000;

let child: ChildProcess | null = null;

/** Stops the example started last (after each test, even one that failed half-way). */
export async function stopExample(): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child?.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  child = null;
}

/** Starts an example on port 0 and resolves with the URL it prints. */
export function startExample(file: string): Promise<string> {
  const started = spawn(process.execPath, ['--import', 'tsx', file], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = started;
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${file}: no URL in ${STARTUP_MS} ms\n${output}`)),
      STARTUP_MS,
    );
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const url = output.match(/example: (http:\/\/[\d.]+:\d+)/)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve(url);
      }
    };
    started.stdout?.on('data', read);
    started.stderr?.on('data', read);
    started.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${file} exited (${code})\n${output}`));
    });
  });
}

/**
 * The phone: the authenticator app's next code. Each code is for a later time step than the last
 * (a step is used once), starting one step back: the server accepts one step either side, so three
 * codes fit in one step. `slowUse` (a code a browser types, which under load can take seconds to
 * reach the server) starts at the current step when less than 15 s of it remain: a code one step
 * back would expire on the way (the Hono example's browser test failed so in CI).
 */
export function phone(secret: string, slowUse = false) {
  const totp = new TotpVerifier();
  let lastStep = -1;
  return () => {
    const now = Date.now();
    const current = Math.floor(now / STEP_MS);
    const earliest = slowUse && now % STEP_MS > STEP_MS - 15_000 ? current : current - 1;
    lastStep = Math.max(lastStep + 1, earliest);
    return totp.generateCode(secret, lastStep * STEP_MS);
  };
}
