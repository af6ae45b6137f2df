import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { createExampleApp } from '../examples/express/app.js';
import { DEMO_ACCOUNTS } from '../examples/express/users.js';
import { createTwoFactor, MemoryMailer, MemoryStore, TotpVerifier } from '../src/entries/index.js';
import { launchChromium } from '../test/browser/chromium.js';

/**
 * Two notices as the example app shows them: Ana's password is used with wrong codes until the
 * lock ("someone may have your password"); Ben signs in and trusts the browser. Each screenshot is
 * the example's outbox page (`/dev/outbox`) of that user's session, in Chromium.
 */
export async function renderNoticeShots(images: string): Promise<void> {
  const outbox = new MemoryMailer();
  const tf = createTwoFactor({
    issuer: 'CloudFon CX',
    store: new MemoryStore(),
    mailer: outbox,
    keys: 'e4a838bcbd34a6f5ee6bca14a1e3ee92050e901cc600def81be49c121b73a763', // a fixed key for the pictures
    policy: { frequency: { trustDays: 14 } },
    noticeAddress: (id) => DEMO_ACCOUNTS.find((a) => a.id === id)?.email ?? null,
  });
  const totp = new TotpVerifier();
  const secrets = new Map<string, string>();
  for (const id of ['u-ana', 'u-ben']) {
    const setup = await tf.totp.beginSetup(id, { accountName: id });
    await tf.totp.confirmSetup(id, totp.generateCode(setup.secret, Date.now() - 30_000));
    secrets.set(id, setup.secret);
  }
  await tf.notices.settled();
  outbox.sent.length = 0; // the "app added" notices of the set-up above
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://localhost:${(server.address() as AddressInfo).port}`;
  server.on('request', createExampleApp({ tf, outbox }));
  const browser = await launchChromium();
  const signIn = async (email: string, password: string) => {
    const context = await browser.newContext({
      viewport: { width: 900, height: 640 },
      userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/140.0',
    });
    const page = await context.newPage();
    await page.goto(`${base}/login`);
    await page.fill('input[name=email]', email);
    await page.fill('input[name=password]', password);
    await Promise.all([page.waitForURL('**/login/code'), page.click('button[type=submit]')]);
    return page;
  };
  const ana = DEMO_ACCOUNTS.find((a) => a.id === 'u-ana')!;
  const attacker = await signIn(ana.email, ana.password);
  const codeInput = (page: Page) => page.getByRole('textbox', { name: 'Authentication code' });
  for (const code of ['111111', '222222', '333333']) {
    await codeInput(attacker).fill(code);
    await attacker.getByRole('button', { name: 'Verify', exact: true }).click();
    await attacker.waitForTimeout(300);
  }
  await tf.notices.settled();
  await attacker.goto(`${base}/dev/outbox`);
  await attacker
    .locator('article.mail')
    .first()
    .screenshot({ path: `${images}notice-suspicious-sign-in.png` });

  const ben = DEMO_ACCOUNTS.find((a) => a.id === 'u-ben')!;
  const page = await signIn(ben.email, ben.password);
  await codeInput(page).fill(totp.generateCode(secrets.get('u-ben')!, Date.now()));
  await page.getByRole('checkbox', { name: 'Trust this browser for 14 days' }).check();
  await Promise.all([
    page.waitForURL('**/profile'),
    page.getByRole('button', { name: 'Verify', exact: true }).click(),
  ]);
  await tf.notices.settled();
  await page.goto(`${base}/dev/outbox`);
  await page
    .locator('article.mail')
    .first()
    .screenshot({ path: `${images}notice-new-trusted-browser.png` });
  await browser.close();
  server.close();
}
