import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TotpVerifier } from '../../src/core/otp/totp-verifier.js';
import { previousStepCode } from '../helpers/servers.js';
import { hasChromium, launchChromium } from './chromium.js';
import { button, methodRow } from './elements/flows.js';
import { ADMIN, ANA, codeInput, setUpApp, signIn, signOut } from './example-pages.js';

const root = new URL('../../', import.meta.url).pathname;
const totp = new TotpVerifier();
let browser: Browser;
let dataDir = '';

beforeAll(async () => {
  if (!hasChromium) return;
  browser = await launchChromium();
  dataDir = mkdtempSync(join(tmpdir(), 'factorkit-example-'));
});
/** Every example started, stopped after the tests even when one fails half-way. */
const started: ChildProcess[] = [];
afterAll(async () => {
  await Promise.all(started.map(stop));
  await browser?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** `npm run example` as a user runs it (its default SQLite store), in a data folder of the test's. */
async function startExample(): Promise<{ base: string; output: () => string; child: ChildProcess }> {
  const child = spawn(join(root, 'node_modules/.bin/tsx'), ['examples/express/server.ts'], {
    cwd: root,
    env: { ...process.env, PORT: '0', FACTORKIT_DATA_DIR: dataDir, EXAMPLE_QUIET: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let output = '';
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the example did not start:\n${output}`)), 30_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(/control panel: (http:\/\/127\.0\.0\.1:\d+)\//);
      // The banner ends with the security keys' line: wait for all of it.
      if (match && /Security keys and passkeys work at .*\n/.test(output)) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => reject(new Error(`the example exited (${code}):\n${output}`)));
  });
  return { base, output: () => output, child };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** Links an authenticator app on the profile page with the previous step's code; returns the secret. */
async function linkAppBefore(page: Page, base: string): Promise<string> {
  // The previous step's code: the current one stays free for the sign-in after the restart.
  const { secret } = await setUpApp(page, base, (typed) => previousStepCode(typed, totp));
  return secret;
}

describe.skipIf(!hasChromium)('the example persists (SQLite by default)', () => {
  it('an authenticator, backup codes, the org policy and a trusted browser outlive restarts', async () => {
    const first = await startExample();
    expect(first.output()).toContain(`SQLite ${join(dataDir, 'factorkit.sqlite')}`);
    // On a free port (PORT=0), security keys are set up for the port actually listened on.
    expect(first.output()).toContain(`work at http://localhost:${new URL(first.base).port} `);
    const admin = await browser.newContext({ acceptDownloads: true });
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    try {
      // The admin turns on "14 days skip (trusted browsers)" (their fresh factor needs no step-up).
      const adminPage = await admin.newPage();
      adminPage.setDefaultTimeout(15_000);
      await signIn(adminPage, first.base, ADMIN);
      await linkAppBefore(adminPage, first.base);
      await adminPage.goto(`${first.base}/settings/security`);
      await adminPage.getByRole('radio', { name: '14 days skip (trusted browsers)' }).check();
      await button(adminPage, 'Save').click();
      await adminPage.getByRole('alert').getByText('Saved.').waitFor();

      await signIn(page, first.base, ANA);
      const secret = await linkAppBefore(page, first.base);
      await stop(first.child);

      // After a restart: the app's code signs in, and the browser is trusted for 14 days.
      const second = await startExample();
      try {
        await signIn(page, second.base, ANA);
        await page.waitForURL(`${second.base}/login/code`);
        await page.getByRole('checkbox', { name: 'Trust this browser for 14 days' }).check();
        await codeInput(page).fill(totp.generateCode(secret, Date.now()));
        await Promise.all([page.waitForURL(`${second.base}/profile`), button(page, 'Verify').click()]);
        await methodRow(page, 'totp').getByText('Enabled').waitFor();
        await page.getByText('10 of 10 backup codes remaining.').waitFor();
        await signOut(page, second.base);
      } finally {
        await stop(second.child);
      }

      // After another: the trusted browser signs in with the password alone.
      const third = await startExample();
      try {
        await signIn(page, third.base, ANA);
        await page.waitForURL(`${third.base}/profile`);
      } finally {
        await stop(third.child);
      }
    } finally {
      await context.close();
      await admin.close();
    }
  }, 180_000);
});
