import type { BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { TotpVerifier } from '../../src/core/otp/totp-verifier.js';
import { button, dialog, methodRow, saveNewCodes } from './elements/flows.js';

/**
 * The example control panel as a user drives it: the host's sign-in form, then factorkit's
 * elements on its pages (the code page, Profile > User Setting, the agents list, the security
 * settings). Shared by the example's browser suites.
 */
export const ANA = { email: 'ana@cloudfon.example', password: 'agent-demo-1' };
export const BEN = { email: 'ben@cloudfon.example', password: 'agent-demo-2' };
export const ADMIN = { email: 'admin@cloudfon.example', password: 'admin-demo-1' };

const totp = new TotpVerifier();

/** The host's own form: email and password, then wherever the example sends the browser. */
export async function signIn(page: Page, base: string, who: { email: string; password: string }) {
  await page.goto(`${base}/login`);
  await page.fill('input[name=email]', who.email);
  await page.fill('input[name=password]', who.password);
  await Promise.all([page.waitForLoadState('load'), page.click('button:has-text("Sign In")')]);
}

export async function signOut(page: Page, base: string): Promise<void> {
  await Promise.all([page.waitForURL(`${base}/login`), page.click('nav button:has-text("Sign out")')]);
}

/** The code field of `<factorkit-challenge>`. */
export const codeInput = (page: Page) => page.getByRole('textbox', { name: 'Authentication code' });

/**
 * Types a code into the code page and waits for the server's answer (a message equal to the last
 * one must not pass for it, and a test's clock must not move while the request is in flight).
 */
export async function enterCode(page: Page, code: string, options: { remember?: boolean } = {}) {
  await codeInput(page).fill(code);
  if (options.remember) {
    await page.getByRole('checkbox', { name: /^Trust this browser for/ }).check();
  }
  const answered = page.waitForResponse(
    (res) => res.request().method() === 'POST' && new URL(res.url()).pathname === '/2fa/login/verify',
  );
  await button(page, 'Verify').click();
  return answered;
}

/**
 * Links the authenticator app in `<factorkit-settings>` on the profile page: reads the typed
 * secret off "Link the app to your account" and types the app's code (at `now`, or `codeOf` the
 * secret); the first method shows the backup codes, saved and downloaded. Returns the secret and
 * those codes.
 */
export async function setUpApp(
  page: Page,
  base: string,
  now: number | ((secret: string) => Promise<string>),
): Promise<{ secret: string; backupCodes: string[] }> {
  await page.goto(`${base}/profile`);
  const secret = await linkApp(page, now);
  const backupCodes = await firstCodesIfShown(page, 'totp');
  return { secret, backupCodes };
}

/** "Set up" the app on the settings shown, through its code: returns the secret it read. */
export async function linkApp(
  page: Page,
  now: number | ((secret: string) => Promise<string>),
): Promise<string> {
  await button(page, 'Set up: Authenticator app authentication').click();
  const link = dialog(page, 'Link the app to your account');
  const secret = (await link.locator('code').innerText()).replace(/\s/g, '');
  await link.getByRole('button', { name: 'Next' }).click();
  const enter = dialog(page, 'Enter the Authentication Code');
  const code = typeof now === 'number' ? totp.generateCode(secret, now) : await now(secret);
  await enter.getByRole('textbox', { name: 'Six-digit code' }).fill(code);
  await enter.getByRole('button', { name: 'Verify' }).click();
  return secret;
}

/** Sets up email with the code read off the development outbox; the codes when it is the first method. */
export async function setUpEmail(page: Page, base: string, address: string): Promise<string[]> {
  await page.goto(`${base}/profile`);
  await button(page, 'Set up: Email authentication').click();
  await dialog(page, 'Email authentication').getByRole('textbox', { name: 'Email address' }).fill(address);
  await button(page, 'Send code').click();
  const enter = dialog(page, 'Enter the Authentication Code');
  await enter.getByText('we sent to').waitFor();
  const code = await outboxCode(page.context(), base, address);
  await enter.getByRole('textbox', { name: 'Six-digit code' }).fill(code);
  await enter.getByRole('button', { name: 'Verify' }).click();
  return firstCodesIfShown(page, 'email');
}

/** The first method's backup codes (saved and downloaded), or none: then the row shows the method on. */
async function firstCodesIfShown(page: Page, method: string): Promise<string[]> {
  const codes = dialog(page, 'Your backup codes');
  const on = methodRow(page, method).getByText(/^Enabled/);
  await codes.or(on).first().waitFor();
  const shown = (await codes.isVisible()) ? await saveNewCodes(page, `the example, ${method} set up`) : [];
  await on.waitFor();
  return shown;
}

/** The newest six-digit code sent to `to`, read off the development outbox page. */
export async function outboxCode(context: BrowserContext, base: string, to: string): Promise<string> {
  const outbox = await context.newPage();
  await outbox.goto(`${base}/dev/outbox`);
  const mail = outbox.locator('article.mail', { hasText: `To: ${to}` }).first();
  const code = (await mail.locator('pre').innerText()).match(/\b(\d{6})\b/)?.[1] ?? '';
  await outbox.close();
  expect(code).toMatch(/^\d{6}$/);
  return code;
}

/** A request the admin's page sends itself, with its session cookie (what a forged call would be). */
export const fromPage = (page: Page, method: 'GET' | 'POST', path: string) =>
  page.evaluate(
    async ({ method, path }) => {
      const post = { method, headers: { 'content-type': 'application/json' }, body: '{}' };
      const res = await fetch(path, method === 'GET' ? {} : post);
      return { status: res.status, body: await res.json() };
    },
    { method, path },
  );

/** The agents page's rows, by user id. */
export const agentRowIds = (page: Page) =>
  page.locator('tr[data-agent]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-agent')));
