import type { Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createExampleApp } from '../../examples/express/app.js';
import { rolesOf, siteOf } from '../../examples/express/users.js';
import { seedSitePolicies } from '../../examples/shared/sites.js';
import { createTwoFactor, type TwoFactor } from '../../src/app/create-two-factor.js';
import { TotpVerifier } from '../../src/core/otp/totp-verifier.js';
import { MemoryMailer } from '../../src/mail/memory-mailer.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { fakeClock, testKey } from '../helpers/harness.js';
import { closeServer, listenOnFreePort } from '../helpers/listen.js';
import { ARTIFACTS, hasChromium, launchChromium } from './chromium.js';
import { button, dialog, ready } from './elements/flows.js';
import { expectAccessible } from './elements/support.js';
import { ADMIN, ANA, agentRowIds, enterCode, fromPage, setUpApp, signIn, signOut } from './example-pages.js';

/**
 * The example's two sites (Acme Support, Globex Sales) in Chromium: each admin sees and acts on
 * their own site's agents only, each site signs in at its own frequency, and the security page's
 * rule form and adoption chart work on the admin's own site.
 */
const GINA = { email: 'gina@cloudfon.example', password: 'admin-demo-2' };
const HUGO = { email: 'hugo@cloudfon.example', password: 'agent-demo-3' };

let browser: Browser;
let server: Server | undefined;
let base = '';
let tf: TwoFactor;
let clock: ReturnType<typeof fakeClock>;
const totp = new TotpVerifier();

beforeAll(async () => {
  if (hasChromium) browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await closeServer(server);
});

// A fresh app per story: the example's wiring (orgOf, rolesOf, the sites' seeded policies).
beforeEach(async () => {
  if (!hasChromium) return;
  await closeServer(server);
  clock = fakeClock(Date.now());
  const outbox = new MemoryMailer();
  tf = createTwoFactor({
    issuer: 'CloudFon CX',
    store: new MemoryStore(),
    mailer: outbox,
    keys: testKey('s'),
    now: clock.now,
    policyCacheMs: 0,
    orgOf: siteOf,
    rolesOf,
    authorize: (actor) => actor.roles?.includes('admin') === true,
  });
  await seedSitePolicies(tf);
  const app = createExampleApp({ tf, outbox, now: clock.now });
  ({ server, base } = await listenOnFreePort(app));
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1100, height: 760 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return page;
}

/** An agent with the app, set up through the facade: its secret. */
async function withApp(userId: string): Promise<string> {
  const setup = await tf.totp.beginSetup(userId, { accountName: userId });
  await tf.totp.confirmSetup(userId, totp.generateCode(setup.secret, clock.now()));
  clock.advance(30_000);
  return setup.secret;
}

/** An admin signed in who set up the app in the browser just now (a fresh second factor). */
async function admin(who: { email: string; password: string }): Promise<Page> {
  const page = await newPage();
  await signIn(page, base, who);
  await setUpApp(page, base, clock.now());
  clock.advance(30_000);
  return page;
}

describe.skipIf(!hasChromium)('the example as two sites (Chromium)', () => {
  it("Acme's admin sees Acme's agents with their 2FA, gets a code for one, and is refused on a Globex agent", async () => {
    const benSecret = await withApp('u-ben');
    await withApp('u-hugo');
    // Ben signs in with the app: his row shows when.
    const ben = await newPage();
    await signIn(ben, base, { email: 'ben@cloudfon.example', password: 'agent-demo-2' });
    await enterCode(ben, totp.generateCode(benSecret, clock.now()));
    await ben.waitForURL(`${base}/profile`);

    const page = await admin(ADMIN);
    await page.goto(`${base}/settings/agents`);
    expect(await agentRowIds(page)).toEqual(['u-admin', 'u-ana', 'u-ben']);
    const benRow = page.locator('tr[data-agent="u-ben"]');
    await expect.poll(() => benRow.locator('[data-methods]').innerText()).toBe('App');
    expect(await benRow.innerText()).toMatch(/Last 2FA sign-in: \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(await page.locator('tr[data-agent="u-ana"] [data-methods]').innerText()).toBe('Not set up');
    await expectAccessible(page, 'the example: agents with the 2FA column');

    await benRow.getByRole('button', { name: /^Get Backup Code/ }).click();
    const popup = dialog(page, 'Get Backup Code');
    await popup.getByRole('button', { name: 'Generate a Code' }).click();
    await expect.poll(() => popup.locator('[part=admin-code]').innerText()).toMatch(/\S{6,}/);
    await page.screenshot({ path: `${ARTIFACTS}sites-agents.png`, fullPage: true });
    await popup.getByRole('button', { name: 'Close' }).click();

    // The same session, a Globex agent named by hand: refused before authorize, for every action.
    for (const [method, path] of [
      ['POST', '/2fa/admin/users/u-hugo/backup-code'],
      ['POST', '/2fa/admin/users/u-hugo/reset'],
      ['GET', '/2fa/admin/users/u-hugo/status'],
    ] as const) {
      expect(await fromPage(page, method, path), `${method} ${path}`).toMatchObject({
        status: 403,
        body: { error: 'not-authorized' },
      });
    }
    expect((await tf.status('u-hugo')).totp).toBe(true);
    await page.context().close();
    await ben.context().close();
  });

  it('each site signs in at its own frequency: Acme trusts a browser for 14 days, Globex asks every login', async () => {
    const anaSecret = await withApp('u-ana');
    const hugoSecret = await withApp('u-hugo');
    const page = await newPage();
    await signIn(page, base, ANA);
    await page.waitForURL(`${base}/login/code`);
    await ready(page, 'Input Authentication Code');
    await page.getByRole('checkbox', { name: 'Trust this browser for 14 days' }).waitFor();
    await enterCode(page, totp.generateCode(anaSecret, clock.now()));
    await page.waitForURL(`${base}/profile`);
    await signOut(page, base);

    await signIn(page, base, HUGO);
    await page.waitForURL(`${base}/login/code`);
    await ready(page, 'Input Authentication Code');
    expect(await page.getByRole('checkbox', { name: /^Trust this browser/ }).count()).toBe(0);
    await enterCode(page, totp.generateCode(hugoSecret, clock.now()));
    await page.waitForURL(`${base}/profile`);
    await page.context().close();
  });

  it("Globex's rule form saves Globex's policy through PUT /policy; the chart follows grace and enrolment", async () => {
    const page = await admin(GINA);
    await page.goto(`${base}/settings/security`);
    const chart = page.locator('#adoption svg');
    await expect
      .poll(() => chart.getAttribute('aria-label'))
      .toBe('Adoption: 1 enrolled, 0 in grace, 2 not enrolled');
    await page.getByRole('radio', { name: 'Everyone' }).check();
    await page.getByRole('spinbutton', { name: /^Grace period in days/ }).fill('14');
    await button(page, 'Save rule').click();
    await page.locator('form[data-rule]').getByRole('alert').getByText('Saved.').waitFor();
    expect((await tf.policy.get({ org: 'globex' })).required).toEqual({ graceDays: 14 });
    expect((await tf.policy.get({ org: 'acme' })).required).toBe(false);
    await expect
      .poll(() => chart.getAttribute('aria-label'))
      .toBe('Adoption: 1 enrolled, 2 in grace, 0 not enrolled');

    // Iris signs in with her password only: told the rule and its deadline, she may set up later.
    const iris = await newPage();
    await signIn(iris, base, { email: 'iris@cloudfon.example', password: 'agent-demo-4' });
    await iris.waitForURL(`${base}/profile`);
    await iris
      .getByText(/^Globex Sales requires two-factor authentication: set up a method before /)
      .waitFor();
    await iris.context().close();

    // Hugo enrols: one more enrolled, one fewer in grace, on the page's next load.
    await withApp('u-hugo');
    await page.reload();
    await expect
      .poll(() => chart.getAttribute('aria-label'))
      .toBe('Adoption: 2 enrolled, 1 in grace, 0 not enrolled');
    await expectAccessible(page, 'the example: the rule form and the adoption chart');
    await page.screenshot({ path: `${ARTIFACTS}sites-rollout.png`, fullPage: true });
    await page.context().close();
  });
});
