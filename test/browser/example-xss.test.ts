import type { Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createExampleApp } from '../../examples/express/app.js';
import { DEMO_ACCOUNTS } from '../../examples/express/users.js';
import { SITES } from '../../examples/shared/sites.js';
import { createTwoFactor } from '../../src/app/create-two-factor.js';
import { TotpVerifier } from '../../src/core/otp/totp-verifier.js';
import { MemoryMailer } from '../../src/mail/memory-mailer.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { testKey } from '../helpers/harness.js';
import { closeServer, listenOnFreePort } from '../helpers/listen.js';
import { previousStepCode } from '../helpers/servers.js';
import { hasChromium, launchChromium } from './chromium.js';
import { button, dialog } from './elements/flows.js';
import { ADMIN, codeInput, signIn } from './example-pages.js';

let browser: Browser;
let server: Server | null = null;
beforeAll(async () => {
  if (hasChromium) browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await closeServer(server);
});

// Round 2, finding 6: an agent's display name with markup must stay text in the admin's pop-up (a
// host that lets users edit their names would store it; the demo directory is planted here).
it.skipIf(!hasChromium)(
  "round 2, finding 6: an agent's name never runs as script in the admin's page",
  async () => {
    const ben = DEMO_ACCOUNTS[2] as unknown as { name: string };
    const original = ben.name;
    ben.name = 'Ben <img src=x onerror="window.__pwned = 1">';
    const tf = createTwoFactor({
      issuer: 'CloudFon CX',
      store: new MemoryStore(),
      mailer: new MemoryMailer(),
      keys: testKey('e'),
      authorize: (actor) => actor.roles?.includes('admin') === true,
    });
    const app = createExampleApp({ tf });
    ben.name = original;
    const started = await listenOnFreePort(app);
    server = started.server;
    const { base } = started;
    // The admin has 2FA (admin actions need a fresh factor): linked with the previous step's code.
    const totp = new TotpVerifier();
    const setup = await tf.totp.beginSetup('u-admin', { accountName: 'admin' });
    await tf.totp.confirmSetup('u-admin', await previousStepCode(setup.secret, totp));
    const page = await browser.newPage();
    page.setDefaultTimeout(15_000);
    await signIn(page, base, ADMIN);
    await page.waitForURL(`${base}/login/code`);
    await codeInput(page).fill(totp.generateCode(setup.secret, Date.now()));
    await Promise.all([page.waitForURL(`${base}/profile`), button(page, 'Verify').click()]);
    await page.goto(`${base}/settings/agents`);
    await page
      .locator('tr[data-agent="u-ben"]')
      .getByRole('button', { name: /^Get Backup Code/ })
      .click();
    const popup = dialog(page, 'Get Backup Code');
    await expect.poll(() => popup.innerText()).toContain('<img src=x');
    // Neither in the host's list (an attribute, escaped) nor in the element (text nodes) does it run.
    expect(await page.locator('tr[data-agent="u-ben"] td').first().innerText()).toContain('<img src=x');
    expect(await page.evaluate(() => (globalThis as { __pwned?: string }).__pwned)).toBeUndefined();

    // The multi-site pages: a site's name with markup (a host whose sites name themselves) stays
    // text on the sign-in page's list, in the frame, and on the agents and security pages.
    const acme = SITES.acme.name;
    SITES.acme.name = 'Acme <img src=x onerror="window.__pwned = 2">';
    try {
      for (const path of ['/settings/agents', '/settings/security', '/login']) {
        await page.goto(`${base}${path}`);
        await page.locator('main').getByText('Acme <img src=x', { exact: false }).first().waitFor();
        expect(await page.locator('main img, nav img').count(), path).toBe(0);
        expect(await page.evaluate(() => (globalThis as { __pwned?: string }).__pwned), path).toBeUndefined();
      }
    } finally {
      SITES.acme.name = acme;
    }
    await page.close();
  },
);
