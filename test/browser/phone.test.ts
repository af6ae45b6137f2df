import type { Server } from 'node:http';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExampleApp } from '../../examples/express/app.js';
import { createTwoFactor, MemoryMailer, MemorySender, MemoryStore } from '../../src/entries/index.js';
import { fakeClock, testKey } from '../helpers/harness.js';
import { ARTIFACTS, hasChromium, launchChromium } from './chromium.js';

let browser: Browser;
let server: Server;
let base = '';
const clock = fakeClock(Date.now());

beforeAll(async () => {
  if (!hasChromium) return;
  browser = await launchChromium();
  const texts = new MemorySender();
  const tf = createTwoFactor({
    issuer: 'CloudFon CX',
    store: new MemoryStore(),
    mailer: new MemoryMailer(),
    keys: testKey('phone example'),
    now: clock.now,
    policyCacheMs: 0,
    phone: { sender: texts },
  });
  const app = createExampleApp({ tf, texts, now: clock.now });
  await new Promise<void>((resolve) => {
    server = app.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

async function signIn(page: Page): Promise<void> {
  await page.goto(`${base}/login`);
  await page.fill('input[name=email]', 'ana@cloudfon.example');
  await page.fill('input[name=password]', 'agent-demo-1');
  await Promise.all([page.waitForLoadState('load'), page.click('button:has-text("Sign In")')]);
}

/** The newest code texted to Ana, read off the development outbox page. */
async function textedCode(context: BrowserContext): Promise<string> {
  const outbox = await context.newPage();
  await outbox.goto(`${base}/dev/outbox`);
  const text = outbox.locator('article.text', { hasText: 'To: +14155550101' }).first();
  const code = (await text.locator('pre').innerText()).match(/\b(\d{6})\b/)?.[1] ?? '';
  await outbox.close();
  return code;
}

describe.skipIf(!hasChromium)('example control panel: text messages', () => {
  it('the settings page sets them up with the code from the outbox; the code page sends one at sign-in', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
    const page = await context.newPage();
    await signIn(page);
    await page.goto(`${base}/profile`);
    await expect.poll(() => page.locator('#method-phone').innerText()).toContain('Not set up');
    await page.click('#method-phone button:has-text("Set up")');
    // The number the directory knows is offered; the user may change it.
    expect(await page.inputValue('#phone-number')).toBe('+14155550101');
    await page.click('dialog button:has-text("Send code")');
    await page.waitForSelector('#setup-code');
    await page.fill('#setup-code', await textedCode(context));
    await page.click('dialog button:has-text("Verify")');
    await page.waitForSelector('#backup-code-list');
    await page.click('dialog button:has-text("Done")');
    await expect.poll(() => page.locator('#method-phone').innerText()).toContain('Enabled · +*******0101');
    await page.screenshot({ path: `${ARTIFACTS}phone-settings.png`, fullPage: true });

    await page.click('nav button:has-text("Sign out")');
    await page.waitForURL(`${base}/login`);
    clock.advance(61_000);
    await signIn(page);
    await page.waitForURL(`${base}/login/code`);
    await page.click('#send-text');
    await expect.poll(() => page.locator('#message').innerText()).toContain('+*******0101');
    await page.fill('#code', await textedCode(context));
    await Promise.all([page.waitForURL(`${base}/profile`), page.click('#verify')]);
    await context.close();
  });
});
