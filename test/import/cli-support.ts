import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import { createTwoFactor, type TwoFactor } from '../../src/app/create-two-factor.js';
import { EXIT } from '../../src/cli/exit-codes.js';
import { MemoryMailer } from '../../src/mail/memory-mailer.js';
import { simpleWebauthn } from '../../src/methods/webauthn/simple-webauthn.js';
import type { Store } from '../../src/store/store.js';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';
import { runCli } from '../cli/run-cli.js';
import { fakeClock, KEY } from '../helpers/harness.js';
import { failOnLostNotices } from '../helpers/notice-warnings.js';

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
