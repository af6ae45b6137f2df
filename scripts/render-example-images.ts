/**
 * README's pictures of the 2FA screens as the example control panel shows them: factorkit's
 * elements (`<factorkit-challenge>`, `<factorkit-settings>`) in the host's own frame, rendered in
 * Chromium from examples/express. `npx tsx scripts/render-example-images.ts` (needs
 * /usr/bin/chromium, or CHROMIUM_PATH; about twenty seconds) writes docs/images/example/*.png.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { createExampleApp } from '../examples/express/app.js';
import { DEMO_ACCOUNTS } from '../examples/express/users.js';
import { createTwoFactor, MemoryMailer, MemoryStore, TotpVerifier } from '../src/entries/index.js';
import { launchChromium } from '../test/browser/chromium.js';

const images = new URL('../docs/images/example/', import.meta.url).pathname;
const ana = DEMO_ACCOUNTS.find((account) => account.id === 'u-ana')!;
const totp = new TotpVerifier();

const outbox = new MemoryMailer();
const tf = createTwoFactor({
  issuer: 'CloudFon CX',
  store: new MemoryStore(),
  mailer: outbox,
  keys: randomBytes(32).toString('hex'), // a fixed pattern is refused as a weak key
  policy: { frequency: { trustDays: 14 }, backupCodes: { storage: 'viewable' } },
});
// Ana has email and the app (set up through the facade: the pictures are of the screens after).
const setup = await tf.totp.beginSetup('u-ana', { accountName: ana.email });
await tf.totp.confirmSetup('u-ana', totp.generateCode(setup.secret, Date.now() - 30_000));
await tf.email.beginSetup('u-ana', ana.email);
const emailed = /\b(\d{6})\b/.exec(outbox.sent.at(-1)?.text ?? '')?.[1] ?? '';
await tf.email.confirmSetup('u-ana', emailed);

const server = createServer();
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://localhost:${(server.address() as AddressInfo).port}`;
server.on('request', createExampleApp({ tf, outbox }));

/** The password on the host's form: the code page opens. */
async function signIn(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 700 } });
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.fill('input[name=email]', ana.email);
  await page.fill('input[name=password]', ana.password);
  await Promise.all([page.waitForURL('**/login/code'), page.click('button[type=submit]')]);
  await page.getByRole('textbox', { name: 'Authentication code' }).waitFor();
  return page;
}
const verify = (page: Page) => page.getByRole('button', { name: 'Verify', exact: true });

const browser = await launchChromium();
try {
  // Profile > User Setting > Two-Factor Authentication, signed in with the app on a trusted browser.
  const signedIn = await signIn(browser);
  await signedIn
    .getByRole('textbox', { name: 'Authentication code' })
    .fill(totp.generateCode(setup.secret, Date.now()));
  await signedIn.getByRole('checkbox', { name: 'Trust this browser for 14 days' }).check();
  await Promise.all([signedIn.waitForURL('**/profile'), verify(signedIn).click()]);
  await signedIn.getByText('this browser').waitFor();
  await signedIn.screenshot({ path: `${images}settings.png`, fullPage: true });
  // Input Authentication Code after a third wrong code: the lock and its countdown.
  const locked = await signIn(browser);
  for (const code of ['111111', '222222', '333333']) {
    await locked.getByRole('textbox', { name: 'Authentication code' }).fill(code);
    await verify(locked).click();
    await locked.waitForTimeout(300);
  }
  await locked.getByRole('timer').waitFor();
  await locked.screenshot({ path: `${images}code-page-locked.png` });

  console.log('written: docs/images/example/code-page-locked.png, settings.png');
} finally {
  await browser.close();
  server.close();
}
