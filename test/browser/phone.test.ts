import type { Server } from 'node:http';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExampleApp } from '../../examples/express/app.js';
import { createTwoFactor, MemoryMailer, MemorySender, MemoryStore } from '../../src/entries/index.js';
import { fakeClock, testKey } from '../helpers/harness.js';
import { closeServer, listenOnFreePort } from '../helpers/listen.js';
import { ARTIFACTS, hasChromium, launchChromium } from './chromium.js';
import { button, dialog, methodRow, saveNewCodes } from './elements/flows.js';
import { ANA, codeInput, signIn, signOut } from './example-pages.js';

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
  ({ server, base } = await listenOnFreePort(app));
});

afterAll(async () => {
  await browser?.close();
  await closeServer(server);
});

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
  it('the settings element sets them up with the code from the outbox; the code page sends one at sign-in', async () => {
    const context = await browser.newContext({
      viewport: { width: 1100, height: 760 },
      acceptDownloads: true,
    });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await signIn(page, base, ANA);
    await methodRow(page, 'phone').getByText('Not set up').waitFor();
    await button(page, 'Set up: Text message (SMS) authentication').click();
    const setup = dialog(page, 'Text message (SMS) authentication');
    // The number the directory knows is offered; the user may change it.
    expect(await setup.getByRole('textbox', { name: 'Phone number' }).inputValue()).toBe('+14155550101');
    await setup.getByRole('button', { name: 'Send code' }).click();
    const enter = dialog(page, 'Enter the Authentication Code');
    await enter.getByText('we sent to').waitFor();
    await enter.getByRole('textbox', { name: 'Six-digit code' }).fill(await textedCode(context));
    await enter.getByRole('button', { name: 'Verify' }).click();
    await saveNewCodes(page, 'the example: text messages');
    await methodRow(page, 'phone').getByText('Enabled · +*******0101').waitFor();
    await page.screenshot({ path: `${ARTIFACTS}phone-settings.png`, fullPage: true });

    await signOut(page, base);
    clock.advance(61_000);
    await signIn(page, base, ANA);
    await page.waitForURL(`${base}/login/code`);
    await button(page, 'Send code by text message').click();
    await page.locator('factorkit-challenge').getByRole('alert').getByText('+*******0101').waitFor();
    await codeInput(page).fill(await textedCode(context));
    await Promise.all([page.waitForURL(`${base}/profile`), button(page, 'Verify').click()]);
    await context.close();
  });
});
