import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Harness } from '../../helpers/harness.js';
import { expectAccessible } from './support.js';

/** The element pages every host serves. */
export const PAGES = {
  '/code': '<factorkit-challenge></factorkit-challenge>',
  '/code-fr': '<div lang="fr"><factorkit-challenge></factorkit-challenge></div>',
  '/settings': '<factorkit-settings></factorkit-settings>',
  '/policy': '<factorkit-policy></factorkit-policy>',
  '/nowhere': '<factorkit-settings base-url="/nowhere"></factorkit-settings>',
  '/agents':
    '<ul><li>Ben <factorkit-admin-agent user-id="ben" user-name="Ben"></factorkit-admin-agent></li></ul>',
};

/** The app's code now; the clock moves past the step so the next one is new. */
export function appCode(h: Harness, secret: string): string {
  const code = h.totp.generateCode(secret, h.clock.now());
  h.clock.advance(30_000);
  return code;
}

/** The current code of the element's dialog, by its title. */
export const dialog = (page: Page, title: string) => page.getByRole('dialog', { name: title });

/** A button of the element, by its accessible name. */
export const button = (page: Page, name: string | RegExp) =>
  page.getByRole('button', { name, exact: typeof name === 'string' });

/** Waits for the element to have rendered (its first heading). */
export async function ready(page: Page, heading: string): Promise<void> {
  await page.getByRole('heading', { name: heading }).first().waitFor();
}

/** The QR code as a scanner reads it (zbarimg on Chromium's screenshot of the image), or null without one. */
export async function scanQr(page: Page): Promise<string | null> {
  try {
    execFileSync('zbarimg', ['--version'], { stdio: 'ignore' });
  } catch {
    return null;
  }
  const dir = mkdtempSync(join(tmpdir(), 'fk-qr-'));
  try {
    writeFileSync(join(dir, 'qr.png'), await page.getByRole('img', { name: /QR code/ }).screenshot());
    return execFileSync('zbarimg', ['--raw', '-q', join(dir, 'qr.png')], { encoding: 'utf8' }).trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Fills the "Confirm it's you" pop-up with a code, checking it first. */
export async function stepUp(page: Page, code: string, state: string): Promise<void> {
  const popup = dialog(page, 'Confirm it’s you');
  await popup.waitFor();
  await expectAccessible(page, `step-up (${state})`);
  await popup.getByRole('textbox', { name: 'Authentication code' }).fill(code);
  await popup.getByRole('button', { name: 'Verify' }).click();
  await popup.waitFor({ state: 'detached' });
}

/** The new backup codes pop-up: codes listed, Download saves the API's file, Done only once saved. */
export async function saveNewCodes(page: Page, state: string): Promise<string[]> {
  const popup = dialog(page, 'Your backup codes');
  await popup.waitFor();
  const codes = await popup.locator('ol li').allInnerTexts();
  expect(codes).toHaveLength(10);
  expect(codes.every((code) => /^[a-z0-9]{4}(-[a-z0-9]{4}){3}$/.test(code))).toBe(true);
  await expectAccessible(page, `new backup codes (${state})`);
  const done = popup.getByRole('button', { name: 'Done' });
  expect(await done.isDisabled()).toBe(true);
  await page.keyboard.press('Escape'); // not before they are saved
  expect(await popup.isVisible()).toBe(true);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    popup.getByRole('button', { name: 'Download' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('backup-codes.txt');
  const file = readFileSync((await download.path())!, 'utf8');
  for (const code of codes) expect(file).toContain(code);
  await popup.getByRole('checkbox', { name: 'I have saved these codes' }).check();
  await done.click();
  await popup.waitFor({ state: 'detached' });
  return codes;
}

/** The settings row of a method (`email`, `totp`, `webauthn`). */
export const methodRow = (page: Page, method: string) => page.locator(`[data-method="${method}"]`);

/** Posts the password for `userId` from the page and loads `path` (the browser holds the session). */
export async function signInAt(page: Page, url: string, userId: string, path: string): Promise<string> {
  await page.goto(`${url}/code`);
  const status = await page.evaluate(async (id) => {
    const res = await fetch(`/password/${id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    return ((await res.json()) as { status: string }).status;
  }, userId);
  await page.goto(`${url}${path}`);
  return status;
}

/**
 * Resolves with the `detail` of the next `type` event of the element `selector`. A test that times
 * out before awaiting it closes the page, which rejects the wait: marked handled here, so that
 * rejection is not reported as an unhandled error on top of the timeout (the caller's await still
 * sees it).
 */
export function nextEvent(page: Page, selector: string, type: string): Promise<unknown> {
  const waited = page.evaluate(
    ([s, t]) =>
      new Promise((resolve) =>
        document
          .querySelector(s!)!
          .addEventListener(t!, (e) => resolve((e as CustomEvent).detail), { once: true }),
      ),
    [selector, type],
  );
  waited.catch(() => undefined);
  return waited;
}

/** Password, then the app's code on the code page: the page's session is signed in. */
export async function signInWithApp(
  page: Page,
  url: string,
  h: Harness,
  userId: string,
  secret: string,
): Promise<void> {
  expect(await signInAt(page, url, userId, '/code')).toBe('challenge');
  const signedIn = nextEvent(page, 'factorkit-challenge', 'signed-in');
  await page.getByRole('textbox', { name: 'Authentication code' }).fill(appCode(h, secret));
  await button(page, 'Verify').click();
  expect(await signedIn).toEqual({ method: 'totp' });
}
