import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExampleApp } from '../../examples/express/app.js';
import { createTwoFactor, type TwoFactor, type TwoFactorOptions } from '../../src/app/create-two-factor.js';
import { TotpVerifier } from '../../src/core/otp/totp-verifier.js';
import { MemoryMailer } from '../../src/mail/memory-mailer.js';
import { simpleWebauthn } from '../../src/methods/webauthn/simple-webauthn.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { fakeClock, testKey } from '../helpers/harness.js';
import { ARTIFACTS, hasChromium, launchChromium } from './chromium.js';
import { button, dialog, methodRow, saveNewCodes } from './elements/flows.js';
import { expectAccessible } from './elements/support.js';
import { ANA, codeInput, setUpApp, signIn, signOut } from './example-pages.js';

const totp = new TotpVerifier();

let browser: Browser;
let closeExample: (() => Promise<void>) | undefined;
let base = '';
let tf: TwoFactor;
const clock = fakeClock(Date.now());

// The example on http://localhost:<port> (WebAuthn needs a domain: not 127.0.0.1), security keys on.
beforeAll(async () => {
  if (!hasChromium) return;
  browser = await launchChromium();
  const example = await startExample({});
  ({ url: base, tf, close: closeExample } = example);
});

afterAll(async () => {
  await browser?.close();
  await closeExample?.();
});

/**
 * A virtual authenticator that answers every prompt by itself: by default a security key (CTAP2,
 * USB, with a PIN); `passkey` makes it the device's own (internal, discoverable credentials,
 * biometric), as Touch ID or Windows Hello.
 */
async function plugInKey(
  cdp: CDPSession,
  kind: 'security-key' | 'passkey' = 'security-key',
): Promise<string> {
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: kind === 'passkey' ? 'internal' : 'usb',
      hasResidentKey: kind === 'passkey',
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return authenticatorId;
}

/** The example on http://localhost:<port> with its own facade; closed with the returned function. */
async function startExample(options: Pick<TwoFactorOptions, 'webauthn'>) {
  const app = createServer();
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  const url = `http://localhost:${(app.address() as AddressInfo).port}`;
  const facade = createTwoFactor({
    issuer: 'CloudFon CX',
    store: new MemoryStore(),
    mailer: new MemoryMailer(),
    keys: testKey('c'),
    now: clock.now,
    policyCacheMs: 0,
    webauthn: { library: simpleWebauthn, ...options.webauthn },
  });
  app.on(
    'request',
    createExampleApp({ tf: facade, now: clock.now, webauthn: { rpId: 'localhost', origin: url } }),
  );
  const close = () => new Promise<void>((resolve) => app.close(() => resolve()));
  return { url, tf: facade, close };
}

/** The code page's message. */
const alert = (page: Page) => page.locator('factorkit-challenge').getByRole('alert');

describe.skipIf(!hasChromium)(
  'security keys in the example control panel (Chromium virtual authenticator)',
  () => {
    it('adds a key, signs in with it, refuses an unknown key, and after removal asks for a code again', async () => {
      const context: BrowserContext = await browser.newContext({ viewport: { width: 1100, height: 760 } });
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      const cdp = await context.newCDPSession(page);
      await cdp.send('WebAuthn.enable');
      const first = await plugInKey(cdp);

      // Ana links her authenticator app, then adds a security key (her factor is fresh: no step-up).
      await signIn(page, base, ANA);
      expect(page.url()).toBe(`${base}/profile`);
      const { secret } = await setUpApp(page, base, clock.now());
      clock.advance(30_000);
      await button(page, 'Add a security key').click();
      const add = dialog(page, 'Add a security key');
      await add.getByRole('textbox', { name: 'Name' }).fill('My YubiKey');
      await add.getByRole('button', { name: 'Add' }).click();
      await methodRow(page, 'webauthn').getByText('My YubiKey').waitFor();
      expect(await methodRow(page, 'webauthn').locator('[part=key-label]').allInnerTexts()).toEqual([
        'My YubiKey',
      ]);
      const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId: first });
      expect(credentials).toHaveLength(1);
      await expectAccessible(page, 'the example: a security key');
      await page.screenshot({ path: `${ARTIFACTS}security-key-added.png`, fullPage: true });

      // Signing in again: "Use a security key" on the Input Authentication Code page.
      await signOut(page, base);
      await signIn(page, base, ANA);
      expect(page.url()).toBe(`${base}/login/code`);
      await Promise.all([page.waitForURL(`${base}/profile`), button(page, 'Use a security key').click()]);
      expect((await tf.webauthn.list('u-ana'))[0]?.lastUsedAt).toBe(clock.now());

      // Another key, never registered: refused; a code still works.
      await signOut(page, base);
      await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: first });
      await plugInKey(cdp);
      await signIn(page, base, ANA);
      await button(page, 'Use a security key').click();
      await alert(page)
        .getByText(/did not answer|not accepted/)
        .waitFor();
      expect(page.url()).toBe(`${base}/login/code`);
      await page.screenshot({ path: `${ARTIFACTS}security-key-refused.png`, fullPage: true });
      await codeInput(page).fill(totp.generateCode(secret, clock.now()));
      await Promise.all([page.waitForURL(`${base}/profile`), button(page, 'Verify').click()]);
      clock.advance(30_000);

      // Removing the key (the factor is fresh): the next login asks for a code, with no key button.
      await button(page, 'Remove: My YubiKey').click();
      await methodRow(page, 'webauthn').getByText('Not set up').waitFor();
      expect(await tf.webauthn.list('u-ana')).toEqual([]);
      await signOut(page, base);
      await signIn(page, base, ANA);
      expect(page.url()).toBe(`${base}/login/code`);
      await codeInput(page).waitFor();
      expect(await button(page, 'Use a security key').count()).toBe(0);
      await context.close();
    });

    it('a passkey (the device itself, discoverable, user verified) is registered as one and signs in', async () => {
      const site = await startExample({
        webauthn: { residentKey: 'required', userVerification: 'required' },
      });
      const context: BrowserContext = await browser.newContext({ acceptDownloads: true });
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      const cdp = await context.newCDPSession(page);
      await cdp.send('WebAuthn.enable');
      const device = await plugInKey(cdp, 'passkey');
      try {
        await signIn(page, site.url, ANA);
        expect(page.url()).toBe(`${site.url}/profile`);
        // The passkey is Ana's first method: it turns 2FA on.
        await button(page, 'Add a security key').click();
        const add = dialog(page, 'Add a security key');
        await add.getByRole('textbox', { name: 'Name' }).fill('This laptop');
        const [served] = await Promise.all([
          page.waitForResponse((response) => response.url().endsWith('/2fa/webauthn/register/options')),
          add.getByRole('button', { name: 'Add' }).click(),
        ]);
        expect((await served.json()).authenticatorSelection).toMatchObject({
          residentKey: 'required',
          userVerification: 'required',
        });
        await saveNewCodes(page, 'the example: a passkey first');
        const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId: device });
        expect(credentials).toMatchObject([{ isResidentCredential: true }]);
        const [passkey] = await site.tf.webauthn.list('u-ana');
        expect(passkey?.label).toBe('This laptop');
        expect(passkey?.transports).toContain('internal');
        expect(await site.tf.status('u-ana')).toMatchObject({ enabled: true, securityKeys: 1 });

        await signOut(page, site.url);
        await signIn(page, site.url, ANA);
        expect(page.url()).toBe(`${site.url}/login/code`);
        await Promise.all([
          page.waitForURL(`${site.url}/profile`),
          button(page, 'Use a security key').click(),
        ]);
        expect((await site.tf.webauthn.list('u-ana'))[0]?.lastUsedAt).toBe(clock.now());
        await page.screenshot({ path: `${ARTIFACTS}passkey-signed-in.png`, fullPage: true });
      } finally {
        await context.close();
        await site.close();
      }
    });
  },
);
