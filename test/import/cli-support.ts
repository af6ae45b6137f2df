import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as OTPAuth from 'otpauth';
import { afterAll, expect, inject } from 'vitest';
import { createTwoFactor, type TwoFactor } from '../../src/app/create-two-factor.js';
import { EXIT } from '../../src/cli/exit-codes.js';
import { openStore } from '../../src/cli/open-store.js';
import { MemoryMailer } from '../../src/mail/memory-mailer.js';
import { simpleWebauthn } from '../../src/methods/webauthn/simple-webauthn.js';
import type { Store } from '../../src/store/store.js';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import { runCli } from '../cli/run-cli.js';
import { fakeClock, KEY } from '../helpers/harness.js';
import { failOnLostNotices } from '../helpers/notice-warnings.js';
import { appCode } from './support.js';

/** A temporary folder for this test file, removed after it. */
export function tempFolder(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `factorkit-${name}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The environment the CLI runs with: the test key. */
export const ENV = { FACTORKIT_KEY: KEY };

/** A facade over a store the CLI imported into, on a clock at `atMs` (default: now). */
export function facadeOn(store: Store, atMs = Date.now()) {
  const clock = fakeClock(atMs);
  const tf = createTwoFactor({
    issuer: 'CX',
    store,
    mailer: new MemoryMailer(),
    keys: KEY,
    now: clock.now,
    webauthn: { library: simpleWebauthn }, // imported keys sign in
  });
  return { tf, clock };
}

/**
 * A facade over the SQLite file the CLI imported into, on a clock at `atMs` (default: now). Its
 * `close()` waits for the notices its sign-ins began (a backup code used: "codes running low")
 * before it closes the file, as an app shutting down should.
 */
export function facadeOver(file: string, atMs = Date.now(), o: { create?: boolean } = {}) {
  const store = new SqliteStore({ filename: file });
  if (o.create) store.createSchema();
  const h = facadeOn(store, atMs);
  const close = async () => {
    await h.tf.notices.settled();
    store.close();
  };
  return { ...h, close };
}

// Each CLI test file fails when a notice its facades began was lost to a closed store.
failOnLostNotices();

/** Signs `userId` in over a facade with a typed code: whether it was accepted. */
export async function signsIn(h: { tf: TwoFactor }, userId: string, code: string): Promise<boolean> {
  const start = await h.tf.login.start(userId);
  if (start.status !== 'challenge') throw new Error(`no challenge for ${userId}`);
  return (await h.tf.login.verify(start.challengeId, code)).ok;
}

/**
 * Runs `npx factorkit import ...args` and presses Ctrl-C at its first refusal (the moment a resume
 * test stops it): the run must stop, saying how to go on. How many users it had imported.
 */
export async function importStoppedAtRefusal(args: string[]): Promise<number> {
  const controller = new AbortController();
  const run = await runCli(args, {
    env: ENV,
    signal: controller.signal,
    onErr: (text) => {
      if (text.includes('refused')) controller.abort();
    },
  });
  expect(run.code).toBe(EXIT.interrupted);
  expect(run.stderr).toContain('run the same command again to go on');
  return Number(/imported: (\d+)/.exec(run.stdout)?.[1]);
}

/** A JSONL file in `dir` of `count` users `u-0`..., each with a key of its own (otpauth's); line `bad` (1-based) has no key. */
export function keysFile(
  dir: string,
  name: string,
  count: number,
  bad: number,
): { path: string; secrets: string[] } {
  const secrets = Array.from({ length: count }, () => new OTPAuth.Secret({ size: 20 }).base32);
  const lines = secrets.map((secret, i) =>
    JSON.stringify({ userId: `u-${i}`, ...(i + 1 === bad ? {} : { totp: { secret } }) }),
  );
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return { path, secrets };
}

/** Signs the given users `u-i` in through a facade over the `--store` URL the CLI imported into. */
export async function expectSignIns(url: string, secrets: string[], users: number[]): Promise<void> {
  const opened = await openStore(url);
  try {
    const h = facadeOn(opened.store);
    for (const i of users) expect(await signsIn(h, `u-${i}`, appCode(h, secrets[i]!))).toBe(true);
  } finally {
    await opened.close();
  }
}

/** The test servers' stores (the global setup's), each URL for a test of its own: a fresh prefix or table starting with `tag`. */
export function serverStores(tag: string) {
  const redisPort = inject('redisPort');
  const clusterPorts = inject('redisClusterPorts');
  const postgresPort = inject('postgresPort');
  return [
    {
      name: 'redis://',
      skip: !redisPort,
      url: () => `redis://127.0.0.1:${redisPort}?prefix=${tag}-${randomUUID()}:`,
    },
    {
      name: 'redis-cluster://',
      skip: !clusterPorts,
      url: () =>
        `redis-cluster://${(clusterPorts ?? []).map((port) => `127.0.0.1:${port}`).join(',')}?prefix=${tag}-${randomUUID()}:`,
    },
    {
      name: 'postgres://',
      skip: !postgresPort,
      url: () =>
        `postgres://postgres@127.0.0.1:${postgresPort}/postgres?table=${tag}_${randomUUID().slice(0, 8)}`,
    },
  ];
}

/**
 * The report of a run that went on after one stopped mid-way through `total` records, `refused` of
 * them refused: every other user is in once, and at most a concurrency's worth (32) were found
 * already imported (their commits landed, their batch was not journalled).
 */
export function expectResumed(run: { stdout: string; stderr: string }, total: number, refused: number): void {
  const count = (name: string) => Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(run.stdout)?.[1]);
  expect(run.stderr).toMatch(/resuming: \d+ records were done by an earlier run/);
  expect(count('imported') + count('already imported')).toBe(total - refused);
  expect(count('refused')).toBe(refused);
  expect(count('already imported')).toBeLessThanOrEqual(32);
}
