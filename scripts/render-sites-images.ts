/**
 * README's and docs/organizations.md's pictures of the rollout from the admin's side, rendered in
 * Chromium from examples/express as two sites: Acme's agents with the 2FA column, and Acme's
 * 2FA Authentication page with the enforcement rule and the adoption chart.
 * `npx tsx scripts/render-sites-images.ts` (needs /usr/bin/chromium, or CHROMIUM_PATH; about
 * fifteen seconds) writes docs/images/example/sites-agents.png and sites-rollout.png.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { createExampleApp } from '../examples/express/app.js';
import { DEMO_ACCOUNTS, rolesOf, siteOf } from '../examples/express/users.js';
import { seedSitePolicies } from '../examples/shared/sites.js';
import { createTwoFactor, MemoryMailer, MemoryStore, TotpVerifier } from '../src/entries/index.js';
import { launchChromium } from '../test/browser/chromium.js';
import { previousStepCode } from '../test/helpers/servers.js';

const images = new URL('../docs/images/example/', import.meta.url).pathname;
const totp = new TotpVerifier();
const outbox = new MemoryMailer();
const tf = createTwoFactor({
  issuer: 'CloudFon CX',
  store: new MemoryStore(),
  mailer: outbox,
  keys: randomBytes(32).toString('hex'),
  orgOf: siteOf,
  rolesOf,
  authorize: (actor) => actor.roles?.includes('admin') === true,
});
await seedSitePolicies(tf);

/** The app linked through the facade (the pictures are of the admin's pages, after): its secret. */
async function withApp(userId: string): Promise<string> {
  const setup = await tf.totp.beginSetup(userId, { accountName: userId });
  await tf.totp.confirmSetup(userId, await previousStepCode(setup.secret, totp));
  return setup.secret;
}
const adminSecret = await withApp('u-admin');
const anaSecret = await withApp('u-ana');
// Acme requires 2FA of everyone, with 14 days of grace; Ben signs in with his password only.
await tf.policy.set({ required: { graceDays: 14 } }, { org: 'acme' });
await tf.login.start('u-ben');

const server = createServer();
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://localhost:${(server.address() as AddressInfo).port}`;
server.on('request', createExampleApp({ tf, outbox }));

const browser = await launchChromium();
/** The password, then the app's code: signed in with a fresh second factor. */
async function signIn(userId: string, secret: string): Promise<Page> {
  const who = DEMO_ACCOUNTS.find((account) => account.id === userId)!;
  const context = await browser.newContext({ viewport: { width: 1100, height: 640 } });
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.fill('input[name=email]', who.email);
  await page.fill('input[name=password]', who.password);
  await Promise.all([page.waitForURL('**/login/code'), page.click('button[type=submit]')]);
  await page
    .getByRole('textbox', { name: 'Authentication code' })
    .fill(totp.generateCode(secret, Date.now()));
  await Promise.all([page.waitForURL('**/profile'), page.getByRole('button', { name: 'Verify' }).click()]);
  return page;
}

try {
  await (await signIn('u-ana', anaSecret)).context().close();
  const admin = await signIn('u-admin', adminSecret);
  await admin.goto(`${base}/settings/agents`);
  await admin.locator('factorkit-admin-agent').first().getByRole('button').first().waitFor();
  await admin.screenshot({ path: `${images}sites-agents.png`, fullPage: true });
  await admin.goto(`${base}/settings/security`);
  await admin.locator('#adoption svg').waitFor();
  await admin.screenshot({ path: `${images}sites-rollout.png`, fullPage: true });
  console.log('written: docs/images/example/sites-agents.png, sites-rollout.png');
} finally {
  await browser.close();
  server.close();
}
