import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { phone, startExample, stopExample } from '../examples-servers/start.js';
import { hasChromium, launchChromium } from './chromium.js';
import { button, dialog, ready, saveNewCodes } from './elements/flows.js';
import { checkedElsewhere, expectAccessible } from './elements/support.js';
import { agentRowIds, fromPage } from './example-pages.js';

/**
 * examples/fastify and examples/hono as users run them, in Chromium: their sign-in page, then
 * factorkit's elements for the 2FA screens (settings, the code page, the agents list, the policy).
 */
let browser: Browser;
beforeAll(async () => {
  if (hasChromium) browser = await launchChromium();
});
afterAll(() => browser?.close());
afterEach(stopExample);

const ANA = { email: 'ana@example.com', password: 'ana-demo-1' };
const ADMIN = { email: 'admin@example.com', password: 'admin-demo-1' };

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return page;
}

async function signIn(page: Page, url: string, who: { email: string; password: string }, lands: string) {
  await page.goto(`${url}/`);
  await page.getByRole('textbox', { name: 'Email' }).fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await Promise.all([page.waitForURL(`${url}${lands}`), button(page, 'Sign in').click()]);
}

/** Links the app in `<factorkit-settings>`; returns the phone that makes its next codes. */
async function linkApp(page: Page, state: string): Promise<() => string> {
  await ready(page, 'Two-Factor Authentication (2FA)');
  await button(page, 'Set up: Authenticator app authentication').click();
  const link = dialog(page, 'Link the app to your account');
  const code = phone((await link.locator('code').innerText()).replace(/\s/g, ''), true);
  await link.getByRole('button', { name: 'Next' }).click();
  const enter = dialog(page, 'Enter the Authentication Code');
  await enter.getByRole('textbox', { name: 'Six-digit code' }).fill(code());
  await enter.getByRole('button', { name: 'Verify' }).click();
  await saveNewCodes(page, state);
  return code;
}

for (const name of ['fastify', 'hono']) {
  describe.skipIf(!hasChromium)(`examples/${name}: its pages on the elements`, () => {
    it("sign-in, the app set up, sign-in with its code (browser trusted), the admin's code and the policy", async () => {
      const url = await startExample(`examples/${name}/server.ts`);
      const page = await newPage();
      if (name !== 'fastify') checkedElsewhere.add(page); // the same pages: axe runs on one
      await signIn(page, url, ANA, '/settings');
      await expectAccessible(page, `${name} example: settings`);
      const code = await linkApp(page, `${name} example`);
      await Promise.all([page.waitForURL(`${url}/`), button(page, 'Sign out').click()]);

      await signIn(page, url, ANA, '/code');
      await ready(page, 'Input Authentication Code');
      await expectAccessible(page, `${name} example: code page`);
      await page.getByRole('checkbox', { name: 'Trust this browser for 14 days' }).check();
      await page.getByRole('textbox', { name: 'Authentication code' }).fill(code());
      await Promise.all([page.waitForURL(`${url}/settings`), button(page, 'Verify').click()]);
      await page.getByText('this browser').waitFor();
      const cookies = await page.context().cookies();
      expect(cookies.find((cookie) => cookie.name === 'factorkit_device')).toMatchObject({ httpOnly: true });

      // The admin (2FA set up first: admin actions need a fresh second factor) gives Ben a code.
      const ben = await newPage();
      checkedElsewhere.add(ben);
      await signIn(ben, url, { email: 'ben@example.com', password: 'ben-demo-1' }, '/settings');
      await linkApp(ben, `${name} example, ben`);
      await Promise.all([ben.waitForURL(`${url}/`), button(ben, 'Sign out').click()]);
      const admin = await newPage();
      checkedElsewhere.add(admin);
      await signIn(admin, url, ADMIN, '/settings');
      await linkApp(admin, `${name} example, admin`);
      // Acme's admin: Acme's people only, Ben's 2FA in his row; a Globex agent is out of reach.
      await admin.goto(`${url}/agents`);
      expect(await agentRowIds(admin)).toEqual(['u-admin', 'u-ana', 'u-ben']);
      expect(await admin.locator('tr[data-agent="u-ben"] [data-methods]').innerText()).toBe('App');
      const forged = await fromPage(admin, 'POST', '/2fa/admin/users/u-hugo/backup-code');
      expect(forged.status).toBe(403);
      await button(admin, 'Get Backup Code for Ben').click();
      const popup = dialog(admin, 'Get Backup Code');
      await popup.getByRole('button', { name: 'Generate a Code' }).click();
      const adminCode = await popup.locator('[part=admin-code]').innerText();
      await admin.goto(`${url}/policy`);
      await admin.getByRole('radio', { name: 'Every login' }).check();
      await button(admin, 'Save').click();
      await admin.locator('factorkit-policy').getByRole('alert').getByText('Saved.').waitFor();
      // The rule form (PUT /2fa/policy), then the chart again from GET /2fa/admin/overview.
      const chart = admin.locator('#adoption svg');
      expect(await chart.getAttribute('aria-label')).toBe('Adoption: 3 enrolled, 0 in grace, 0 not enrolled');
      await admin.getByRole('radio', { name: 'Everyone' }).check();
      await button(admin, 'Save rule').click();
      await admin.locator('form[data-rule]').getByRole('alert').getByText('Saved.').waitFor();

      await signIn(ben, url, { email: 'ben@example.com', password: 'ben-demo-1' }, '/code');
      await ben.getByRole('textbox', { name: 'Authentication code' }).fill(adminCode);
      await Promise.all([ben.waitForURL(`${url}/settings`), button(ben, 'Verify').click()]);
      for (const opened of [page, admin, ben]) await opened.context().close();
    }, 120_000);
  });
}
