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

const ANA = { email: 'ana@cloudfon.example', password: 'agent-demo-1' };
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

async function signIn(page: Page): Promise<void> {
  await page.goto(`${base}/login`);
  await page.fill('input[name=email]', ANA.email);
  await page.fill('input[name=password]', ANA.password);
  await Promise.all([page.waitForLoadState('load'), page.click('button:has-text("Sign In")')]);
}

async function signOut(page: Page): Promise<void> {
  await Promise.all([page.waitForURL(/\/login$/), page.click('nav button:has-text("Sign out")')]);
}

describe.skipIf(!hasChromium)(
  'security keys in the example control panel (Chromium virtual authenticator)',
  () => {
    it('adds a key, signs in with it, refuses an unknown key, and after removal asks for a code again', async () => {
      const context: BrowserContext = await browser.newContext({ viewport: { width: 1100, height: 760 } });
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('WebAuthn.enable');
      const first = await plugInKey(cdp);

      // Ana links her authenticator app, then adds a security key (her factor is fresh: no step-up).
      await signIn(page);
      expect(page.url()).toBe(`${base}/profile`);
      await page.click('#method-totp button:has-text("Set up")');
      const secret = (await page.locator('#totp-secret').innerText()).replace(/\s/g, '');
      await page.click('dialog button:has-text("Next")');
      await page.fill('#setup-code', totp.generateCode(secret, clock.now()));
      await page.click('dialog button:has-text("Verify")');
      await page.click('dialog button:has-text("Done")');
      await page.waitForSelector('#method-totp button:has-text("Turn off")');
      clock.advance(30_000);
      await page.click('#method-webauthn button:has-text("Add a security key")');
      await page.fill('#key-label', 'My YubiKey');
      await page.click('dialog button:has-text("Add")');
      await page.waitForSelector('#method-webauthn .key-label');
      expect(await page.locator('#method-webauthn .key-label').allInnerTexts()).toEqual(['My YubiKey']);
      const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId: first });
      expect(credentials).toHaveLength(1);
      await page.screenshot({ path: `${ARTIFACTS}security-key-added.png`, fullPage: true });

      // Signing in again: "Use a security key" on the Input Authentication Code page.
      await signOut(page);
      await signIn(page);
      expect(page.url()).toBe(`${base}/login/code`);
      await Promise.all([page.waitForURL(`${base}/profile`), page.click('#use-key')]);
      expect((await tf.webauthn.list('u-ana'))[0]?.lastUsedAt).toBe(clock.now());

      // Another key, never registered: refused; a code still works.
      await signOut(page);
      await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: first });
      await plugInKey(cdp);
      await signIn(page);
      await page.click('#use-key');
      await expect.poll(() => page.locator('#message').innerText()).toMatch(/did not answer|not accepted/);
      expect(page.url()).toBe(`${base}/login/code`);
      await page.screenshot({ path: `${ARTIFACTS}security-key-refused.png`, fullPage: true });
      await page.fill('#code', totp.generateCode(secret, clock.now()));
      await Promise.all([page.waitForURL(`${base}/profile`), page.click('#verify')]);
      clock.advance(30_000);

      // Removing the key: the next login asks for a code, with no key button.
      await page.click('#method-webauthn button:has-text("Remove")');
      await page.waitForSelector('#method-webauthn:not(:has(.key-label))');
      expect(await tf.webauthn.list('u-ana')).toEqual([]);
      await signOut(page);
      await signIn(page);
      expect(page.url()).toBe(`${base}/login/code`);
      expect(await page.locator('#use-key').count()).toBe(0);
      await context.close();
    });

    it('a passkey (the device itself, discoverable, user verified) is registered as one and signs in', async () => {
      const site = await startExample({
        webauthn: { residentKey: 'required', userVerification: 'required' },
      });
      const context: BrowserContext = await browser.newContext();
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('WebAuthn.enable');
      const device = await plugInKey(cdp, 'passkey');
      try {
        await page.goto(`${site.url}/login`);
        await page.fill('input[name=email]', ANA.email);
        await page.fill('input[name=password]', ANA.password);
        await Promise.all([page.waitForURL(`${site.url}/profile`), page.click('button:has-text("Sign In")')]);
        // The passkey is Ana's first method: it turns 2FA on.
        await page.click('#method-webauthn button:has-text("Add a security key")');
        await page.fill('#key-label', 'This laptop');
        const [served] = await Promise.all([
          page.waitForResponse((response) => response.url().endsWith('/2fa/webauthn/register/options')),
          page.click('dialog button:has-text("Add")'),
        ]);
        expect((await served.json()).authenticatorSelection).toMatchObject({
          residentKey: 'required',
          userVerification: 'required',
        });
        await page.waitForSelector('dialog:has-text("backup codes")');
        const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId: device });
        expect(credentials).toMatchObject([{ isResidentCredential: true }]);
        const [passkey] = await site.tf.webauthn.list('u-ana');
        expect(passkey?.label).toBe('This laptop');
        expect(passkey?.transports).toContain('internal');
        expect(await site.tf.status('u-ana')).toMatchObject({ enabled: true, securityKeys: 1 });

        await page.goto(`${site.url}/profile`);
        await Promise.all([page.waitForURL(/\/login$/), page.click('nav button:has-text("Sign out")')]);
        await page.fill('input[name=email]', ANA.email);
        await page.fill('input[name=password]', ANA.password);
        await Promise.all([
          page.waitForURL(`${site.url}/login/code`),
          page.click('button:has-text("Sign In")'),
        ]);
        await Promise.all([page.waitForURL(`${site.url}/profile`), page.click('#use-key')]);
        expect((await site.tf.webauthn.list('u-ana'))[0]?.lastUsedAt).toBe(clock.now());
        await page.screenshot({ path: `${ARTIFACTS}passkey-signed-in.png`, fullPage: true });
      } finally {
        await context.close();
        await site.close();
      }
    });
  },
);
