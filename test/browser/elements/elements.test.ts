import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemorySender } from '../../../src/methods/phone/phone-sender.js';
import { enrollEmail, enrollTotp, type Harness } from '../../helpers/harness.js';
import type { TestHost } from '../../http/support/hosts.js';
import { ARTIFACTS, hasChromium, launchChromium } from '../chromium.js';
import {
  appCode,
  button,
  dialog,
  methodRow,
  nextEvent,
  PAGES,
  ready,
  saveNewCodes,
  scanQr,
  signInAt,
  signInWithApp,
  stepUp,
} from './flows.js';
import { checkedElsewhere, expectAccessible, plugInKey, startUiHost } from './support.js';

/**
 * The elements through every flow of the help page, in Chromium, against each adapter's host
 * app: setting up email and the app (from its QR code), backup codes saved and downloaded, the
 * frequency, signing in with each method, the five-minute lock and its countdown, the admin's
 * code, a security key on Chromium's virtual authenticator, turning a method off after a
 * step-up; axe-core on every element in each state; one flow by keyboard alone.
 */
let browser: Browser;
beforeAll(async () => {
  if (hasChromium) browser = await launchChromium();
});
afterAll(() => browser?.close());

for (const adapter of ['express', 'fastify', 'hono']) {
  describe.skipIf(!hasChromium)(`the elements on ${adapter}`, () => {
    let h: Harness;
    let host: TestHost;
    let url = '';
    let sender: MemorySender;
    const contexts: BrowserContext[] = [];
    const open = async (admin = false): Promise<Page> => {
      const context = await browser.newContext({
        viewport: { width: 900, height: 800 },
        ...(admin ? { extraHTTPHeaders: { 'x-admin': '1' } } : {}),
      });
      contexts.push(context);
      const page = await context.newPage();
      page.setDefaultTimeout(10_000); // a step that does not happen fails here, with its locator
      if (adapter !== 'express') checkedElsewhere.add(page);
      return page;
    };
    const shot = (page: Page, name: string) =>
      adapter === 'express'
        ? page.screenshot({ path: `${ARTIFACTS}elements/${name}.png` })
        : Promise.resolve();

    beforeAll(async () => {
      if (!hasChromium) return;
      ({ h, host, url, sender } = await startUiHost(adapter, PAGES));
      await h.tf.policy.set({ backupCodes: { storage: 'viewable' } });
    });
    afterAll(async () => {
      for (const context of contexts) await context.close();
      await host?.close();
    });

    it('sets up email (backup codes saved and downloaded), then the app from its QR code', async () => {
      const page = await open();
      expect(await signInAt(page, url, 'ana', '/settings')).toBe('not-required');
      await ready(page, 'Two-Factor Authentication (2FA)');
      await expectAccessible(page, 'settings, nothing set up');
      await shot(page, 'settings-empty');
      await button(page, 'Set up: Email authentication').click();
      await dialog(page, 'Email authentication')
        .getByRole('textbox', { name: 'Email address' })
        .fill('ana@cloudfon.example');
      await expectAccessible(page, 'email address pop-up');
      await button(page, 'Send code').click();
      const enter = dialog(page, 'Enter the Authentication Code');
      await enter.getByText('we sent to a***@cloudfon.example').waitFor();
      await expectAccessible(page, 'email code pop-up');
      await enter.getByRole('textbox', { name: 'Six-digit code' }).fill('000000');
      await enter.getByRole('button', { name: 'Verify' }).click();
      await enter
        .getByRole('alert')
        .getByText(/Invalid authentication code\. 4 attempts left\./)
        .waitFor();
      await expectAccessible(page, 'email code pop-up, wrong code announced');
      const emailed = h.lastEmailCode('ana@cloudfon.example');
      await enter
        .getByRole('textbox', { name: 'Six-digit code' })
        .fill(`${emailed.slice(0, 3)} ${emailed.slice(3)}`);
      await shot(page, 'settings-email-code');
      await enter.getByRole('button', { name: 'Verify' }).click();
      await dialog(page, 'Your backup codes').waitFor();
      await shot(page, 'settings-backup-codes');
      await saveNewCodes(page, 'first method');
      await methodRow(page, 'email').getByText('Enabled · a***@cloudfon.example').waitFor();
      expect(await h.tf.status('ana')).toMatchObject({ enabled: true, email: expect.any(String) });

      await button(page, 'Set up: Authenticator app authentication').click();
      const link = dialog(page, 'Link the app to your account');
      await link.waitFor();
      await expectAccessible(page, 'link the app pop-up');
      await shot(page, 'settings-link-app');
      const typed = (await link.locator('code').innerText()).replace(/\s/g, '');
      const scanned = await scanQr(page);
      const secret = scanned ? new URL(scanned).searchParams.get('secret')! : typed;
      expect(secret).toBe(typed);
      await link.getByRole('button', { name: 'Next' }).click();
      const confirm = dialog(page, 'Enter the Authentication Code');
      await confirm.getByRole('textbox', { name: 'Six-digit code' }).fill(appCode(h, secret));
      await confirm.getByRole('button', { name: 'Verify' }).click();
      await methodRow(page, 'totp').getByText('Enabled').waitFor();
      await expectAccessible(page, 'settings, email and app on');
      await shot(page, 'settings');
      expect(await h.tf.status('ana')).toMatchObject({ totp: true });
    });

    it('sets up text messages (the weakest method, said) and signs in with a code by text', async () => {
      const NUMBER = '+442079460958';
      const texted = () => sender.lastTo(NUMBER)?.text.match(/\b(\d{6})\b/)?.[1] ?? '';
      const page = await open();
      expect(await signInAt(page, url, 'tia', '/settings')).toBe('not-required');
      await button(page, 'Set up: Text message (SMS) authentication').click();
      const setup = dialog(page, 'Text message (SMS) authentication');
      await setup.getByText('Text messages are the weakest method').waitFor();
      await setup.getByRole('textbox', { name: 'Phone number' }).fill('+44 20 7946 0958');
      await expectAccessible(page, 'phone number pop-up');
      await button(page, 'Send code').click();
      const enter = dialog(page, 'Enter the Authentication Code');
      await enter.getByText('we sent to +********0958').waitFor();
      await enter.getByRole('textbox', { name: 'Six-digit code' }).fill(texted());
      await enter.getByRole('button', { name: 'Verify' }).click();
      await saveNewCodes(page, 'text messages as the first method');
      await methodRow(page, 'phone').getByText('Enabled · +********0958').waitFor();
      expect(await h.tf.status('tia')).toMatchObject({ enabled: true, phone: '+********0958' });

      h.clock.advance(61_000);
      const byText = await open();
      expect(await signInAt(byText, url, 'tia', '/code')).toBe('challenge');
      await button(byText, 'Send code by text message').click();
      await byText.getByRole('alert').getByText('We sent a six-digit code to +********0958.').waitFor();
      await expectAccessible(byText, 'code page, text sent');
      await byText.getByRole('textbox', { name: 'Authentication code' }).fill(texted());
      const signedIn = nextEvent(byText, 'factorkit-challenge', 'signed-in');
      await button(byText, 'Verify').click();
      expect(await signedIn).toEqual({ method: 'phone' });
    });

    it('sets the frequency: 14 days skip, saved by an administrator after a step-up', async () => {
      const { secret } = await enrollTotp(h, 'boss');
      const page = await open(true);
      await signInWithApp(page, url, h, 'boss', secret);
      h.clock.advance(11 * 60_000); // no longer a fresh second factor
      await page.goto(`${url}/policy`);
      await ready(page, 'Frequency of Two-Factor Authentication for your Login');
      await expectAccessible(page, 'policy');
      await page.getByRole('radio', { name: '14 days skip (trusted browsers)' }).check();
      await shot(page, 'policy');
      const changed = nextEvent(page, 'factorkit-policy', 'changed');
      await button(page, 'Save').click();
      await stepUp(page, appCode(h, secret), 'policy');
      expect(await changed).toEqual({ what: 'policy', frequency: { trustDays: 14 } });
      await page.getByRole('alert').getByText('Saved.').waitFor();
      await expectAccessible(page, 'policy saved');
      expect((await h.tf.policy.get()).frequency).toEqual({ trustDays: 14 });
    });

    it('signs in with an app code (trusting the browser), an email code and a pasted backup code', async () => {
      await h.tf.policy.set({ frequency: { trustDays: 14 } });
      const { secret, backupCodes } = await enrollTotp(h, 'cai');
      await h.tf.email.beginSetup('cai', 'cai@cloudfon.example');
      await h.tf.email.confirmSetup('cai', h.lastEmailCode('cai@cloudfon.example'));
      h.clock.advance(61_000);

      const byApp = await open();
      expect(await signInAt(byApp, url, 'cai', '/code')).toBe('challenge');
      await ready(byApp, 'Input Authentication Code');
      await expectAccessible(byApp, 'code page');
      await shot(byApp, 'challenge');
      await byApp.getByRole('checkbox', { name: 'Trust this browser for 14 days' }).check();
      await byApp.getByRole('textbox', { name: 'Authentication code' }).fill(appCode(h, secret));
      const app = nextEvent(byApp, 'factorkit-challenge', 'signed-in');
      await button(byApp, 'Verify').click();
      expect(await app).toEqual({ method: 'totp' });
      expect(await h.tf.devices.list('cai')).toHaveLength(1);
      expect(await signInAt(byApp, url, 'cai', '/settings')).toBe('trusted-device');
      await ready(byApp, 'Trusted browsers');
      await byApp.getByText('this browser').waitFor();
      await expectAccessible(byApp, 'settings with a trusted browser');
      await button(byApp, /^Revoke: /).click();
      await byApp.getByText('No trusted browsers.').waitFor();
      expect(await h.tf.devices.list('cai')).toEqual([]);

      const byEmail = await open();
      await signInAt(byEmail, url, 'cai', '/code');
      await button(byEmail, 'Send code by email').click();
      await byEmail
        .getByRole('alert')
        .getByText('We sent a six-digit code to c***@cloudfon.example.')
        .waitFor();
      await expectAccessible(byEmail, 'code page, email sent');
      await button(byEmail, 'Send code by email').click();
      await byEmail
        .getByRole('alert')
        .getByText(/Please wait \d+ seconds before sending another code\./)
        .waitFor();
      const code = h.lastEmailCode('cai@cloudfon.example');
      await byEmail
        .getByRole('textbox', { name: 'Authentication code' })
        .fill(`${code.slice(0, 3)}-${code.slice(3)}`);
      const email = nextEvent(byEmail, 'factorkit-challenge', 'signed-in');
      await button(byEmail, 'Verify').click();
      expect(await email).toEqual({ method: 'email' });

      const byBackup = await open();
      await signInAt(byBackup, url, 'cai', '/code');
      const input = byBackup.getByRole('textbox', { name: 'Authentication code' });
      await input.focus();
      await byBackup.evaluate(
        (pasted) => {
          const field = document
            .querySelector('factorkit-challenge')!
            .shadowRoot!.querySelector('input[name=code]')!;
          const data = new DataTransfer();
          data.setData('text/plain', pasted);
          field.dispatchEvent(
            new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
          );
          if (!(field as HTMLInputElement).value) (field as HTMLInputElement).value = pasted; // Chromium does not paste synthetic events
        },
        ` ${backupCodes[0]!.toUpperCase().replace(/-/g, ' ')} `,
      );
      const backup = nextEvent(byBackup, 'factorkit-challenge', 'signed-in');
      await input.press('Enter');
      expect(await backup).toEqual({ method: 'backup-code' });
    });

    it('locks for five minutes after the third wrong code, with a live countdown a reload keeps, then signs in', async () => {
      const { secret } = await enrollTotp(h, 'dan');
      const page = await open();
      await page.clock.install();
      expect(await signInAt(page, url, 'dan', '/code')).toBe('challenge');
      const input = page.getByRole('textbox', { name: 'Authentication code' });
      const wrong = appCode(h, secret) === '000000' ? '111111' : '000000';
      for (const left of [4, 3]) {
        await input.fill(wrong);
        await button(page, 'Verify').click();
        await page
          .getByRole('alert')
          .getByText(`Invalid authentication code. ${left} attempts left.`)
          .waitFor();
      }
      await input.fill(wrong);
      await button(page, 'Verify').click();
      await page.getByRole('alert').getByText('Please try again in five minutes.').waitFor();
      // The page's clock runs on (slowly: a busy machine may take a second or two to get here).
      await page
        .getByRole('timer')
        .getByText(/^You can try again in (5:00|4:5\d)\.$/)
        .waitFor();
      expect(await button(page, 'Verify').isDisabled()).toBe(true);
      await expectAccessible(page, 'code page, locked');
      await shot(page, 'challenge-locked');
      // Reloaded a minute on: the pending login reports the lock, and the countdown goes on.
      h.clock.advance(60_000);
      await page.clock.runFor(60_000);
      await page.reload();
      await page.getByRole('alert').getByText('Please try again in four minutes.').waitFor();
      await page
        .getByRole('timer')
        .getByText(/^You can try again in (4:00|3:5\d)\.$/)
        .waitFor();
      expect(await button(page, 'Verify').isDisabled()).toBe(true);
      await page.clock.runFor(61_000);
      await page
        .getByRole('timer')
        .getByText(/^You can try again in 2:[45]\d\.$/)
        .waitFor();
      await page.clock.runFor(180_000);
      await page.getByRole('alert').getByText('You can try again now.').waitFor();
      expect(await button(page, 'Verify').isDisabled()).toBe(false);
      h.clock.advance(4 * 60_000);
      await input.fill(appCode(h, secret));
      const signedIn = nextEvent(page, 'factorkit-challenge', 'signed-in');
      await button(page, 'Verify').click();
      expect(await signedIn).toEqual({ method: 'totp' });
    });

    it('ends the login after the fifth wrong code: says so, and tells the page (ended)', async () => {
      const { secret } = await enrollTotp(h, 'max');
      const page = await open();
      await page.clock.install();
      await signInAt(page, url, 'max', '/code');
      const input = page.getByRole('textbox', { name: 'Authentication code' });
      const wrong = appCode(h, secret) === '000000' ? '111111' : '000000';
      const ended = nextEvent(page, 'factorkit-challenge', 'ended');
      for (let attempt = 1; attempt <= 5; attempt++) {
        await input.fill(wrong);
        const answered = page.waitForResponse((res) => res.url().endsWith('/2fa/login/verify'));
        await button(page, 'Verify').click();
        if ((await answered).status() !== 429) continue;
        // Locked after the third and fourth: both clocks past the five minutes, once the page holds
        // the lock (its countdown shows). The response comes before the page has read it: a clock
        // run before that left the lock starting after it, the button held, and the previous lock's
        // "try again now" still on the page to wait for.
        await page.getByRole('timer').waitFor();
        h.clock.advance(5 * 60_000);
        await page.clock.runFor(5 * 60_000);
        await page.getByRole('alert').getByText('You can try again now.').waitFor();
      }
      expect(await ended).toEqual({ reason: 'challenge-ended' });
      await page.getByRole('alert').getByText('Too many failed attempts. Please sign in again.').waitFor();
      expect(await button(page, 'Verify').isDisabled()).toBe(true);
      await expectAccessible(page, 'code page, login ended');
    });

    it("gives an agent the admin's backup code (generated, copied, expiry shown), who signs in with it", async () => {
      const boss = await enrollTotp(h, 'chief');
      await enrollEmail(h, 'ben');
      const admin = await open(true);
      await admin.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url });
      await signInWithApp(admin, url, h, 'chief', boss.secret);
      h.clock.advance(11 * 60_000);
      await admin.goto(`${url}/agents`);
      await button(admin, 'Get Backup Code for Ben').waitFor();
      await expectAccessible(admin, 'agents list');
      await button(admin, 'Get Backup Code for Ben').click();
      const popup = dialog(admin, 'Get Backup Code');
      await expectAccessible(admin, 'get backup code pop-up');
      await popup.getByRole('button', { name: 'Generate a Code' }).click();
      const issued = admin.waitForResponse(
        (res) => res.url().endsWith('/2fa/admin/users/ben/backup-code') && res.status() === 200,
      );
      await stepUp(admin, appCode(h, boss.secret), 'admin code');
      const code = await popup.locator('[part=admin-code]').innerText();
      // The distance is counted from the answer's Date (the server's clock, here not the facade's fake one).
      const answer = await issued;
      const { expiresAt } = (await answer.json()) as { expiresAt: number };
      const inMs = expiresAt - Date.parse(answer.headers()['date']!);
      const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
      const distance =
        inMs >= 3_600_000
          ? relative.format(Math.round(inMs / 3_600_000), 'hour')
          : relative.format(Math.round(inMs / 60_000), 'minute');
      const time = new Intl.DateTimeFormat('en', { hour: 'numeric', minute: '2-digit' }).format(expiresAt);
      await popup.getByText(`Expires at ${time} (${distance}).`).waitFor();
      await popup.getByRole('button', { name: 'Copy' }).click();
      await popup.getByRole('alert').getByText('Copied.').waitFor();
      expect(await admin.evaluate(() => navigator.clipboard.readText())).toBe(code);
      await expectAccessible(admin, 'get backup code pop-up, code shown');
      await shot(admin, 'admin-agent');
      await popup.getByRole('button', { name: 'Close' }).click();

      const agent = await open();
      await signInAt(agent, url, 'ben', '/code');
      await agent.getByRole('textbox', { name: 'Authentication code' }).fill(code);
      const signedIn = nextEvent(agent, 'factorkit-challenge', 'signed-in');
      await button(agent, 'Verify').click();
      expect(await signedIn).toEqual({ method: 'admin-code' });
    });

    it('adds a security key (virtual authenticator), signs in with it, renames and removes it after a step-up', async () => {
      const { secret } = await enrollTotp(h, 'kim');
      const page = await open();
      await plugInKey(page.context(), page);
      await signInWithApp(page, url, h, 'kim', secret);
      await page.goto(`${url}/settings`);
      await button(page, 'Add a security key').click();
      const add = dialog(page, 'Add a security key');
      await add.getByRole('textbox', { name: 'Name' }).fill('YubiKey 5');
      await expectAccessible(page, 'add a key pop-up');
      await add.getByRole('button', { name: 'Add' }).click();
      await methodRow(page, 'webauthn').getByText('YubiKey 5').waitFor();
      expect((await h.tf.webauthn.list('kim')).map((key) => key.label)).toEqual(['YubiKey 5']);
      await expectAccessible(page, 'settings with a key');
      await shot(page, 'settings-key');

      await signInAt(page, url, 'kim', '/code');
      await ready(page, 'Input Authentication Code');
      const signedIn = nextEvent(page, 'factorkit-challenge', 'signed-in');
      await button(page, 'Use a security key').click();
      expect(await signedIn).toEqual({ method: 'webauthn' });

      await page.goto(`${url}/settings`);
      await button(page, 'Rename: YubiKey 5').click();
      await dialog(page, 'Rename').getByRole('textbox', { name: 'Name' }).fill('Desk key');
      await dialog(page, 'Rename').getByRole('button', { name: 'Save' }).click();
      await methodRow(page, 'webauthn').getByText('Desk key').waitFor();
      h.clock.advance(11 * 60_000);
      await button(page, 'Remove: Desk key').click();
      await stepUp(page, appCode(h, secret), 'remove a key');
      await methodRow(page, 'webauthn').getByText('Not set up').waitFor();
      expect(await h.tf.webauthn.list('kim')).toEqual([]);
    });

    it('views and regenerates backup codes, and turns the app off, each after a step-up', async () => {
      const { secret } = await enrollTotp(h, 'eve');
      await enrollEmail(h, 'eve');
      const page = await open();
      await signInWithApp(page, url, h, 'eve', secret);
      h.clock.advance(11 * 60_000);
      await page.goto(`${url}/settings`);
      await button(page, 'View Backup Codes').click();
      await stepUp(page, appCode(h, secret), 'view codes');
      await page.locator('[part=codes] li').first().waitFor();
      expect(await page.locator('[part=codes] li').count()).toBe(10);
      const regenerated = nextEvent(page, 'factorkit-settings', 'changed');
      await button(page, 'Generate new codes').click();
      const ask = dialog(page, 'Generate new backup codes?');
      await ask.getByText('will stop working').waitFor();
      await expectAccessible(page, 'generate new codes, asked first');
      await ask.getByRole('button', { name: 'Generate new codes' }).click();
      await saveNewCodes(page, 'regenerated');
      expect(await regenerated).toEqual({ what: 'backup-codes' });
      await page.getByText('10 of 10 backup codes remaining.').waitFor();
      h.clock.advance(11 * 60_000);
      const changed = nextEvent(page, 'factorkit-settings', 'changed');
      await button(page, 'Turn off: Authenticator app authentication').click();
      await dialog(page, 'Turn off Authenticator app authentication?')
        .getByRole('button', { name: 'Turn off' })
        .click();
      await stepUp(page, appCode(h, secret), 'turn off');
      expect(await changed).toEqual({ what: 'totp' });
      await methodRow(page, 'totp').getByText('Not set up').waitFor();
      expect(await h.tf.status('eve')).toMatchObject({ totp: false, enabled: true });
    });

    it('sets up email and saves the codes with the keyboard alone', async () => {
      const page = await open();
      expect(await signInAt(page, url, 'kbd', '/settings')).toBe('not-required');
      await ready(page, 'Two-Factor Authentication (2FA)');
      const focused = () =>
        page.evaluate(() => {
          let element = document.activeElement;
          while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
          return element?.getAttribute('aria-label') ?? element?.textContent ?? element?.tagName;
        });
      await page.keyboard.press('Tab');
      expect(await focused()).toBe('Set up: Email authentication');
      await page.keyboard.press('Enter');
      await page.keyboard.type('kbd@cloudfon.example');
      await page.keyboard.press('Enter');
      await dialog(page, 'Enter the Authentication Code').waitFor();
      await page.keyboard.type(h.lastEmailCode('kbd@cloudfon.example'));
      await page.keyboard.press('Enter');
      await dialog(page, 'Your backup codes').waitFor();
      expect(await focused()).toBe('');
      await page.keyboard.press('Space'); // "I have saved these codes"
      await page.keyboard.press('Tab');
      expect(await focused()).toBe('Done');
      await page.keyboard.press('Enter');
      await methodRow(page, 'email')
        .getByText(/^Enabled/)
        .waitFor();
      expect(await focused()).toBe('Turn off: Email authentication');
      expect(await h.tf.status('kbd')).toMatchObject({ enabled: true });
      await page.emulateMedia({ colorScheme: 'dark' });
      await expectAccessible(page, 'settings in dark');
      await shot(page, 'settings-dark');
    });

    it('says "Something went wrong" when what answers is not factorkit (nothing mounted at base-url)', async () => {
      const page = await open();
      const logged: string[] = [];
      page.on('console', (message) => logged.push(message.text()));
      await page.goto(`${url}/nowhere`);
      await page.getByRole('alert').getByText('Something went wrong. Please try again.').waitFor();
      expect(logged.join('\n')).toContain('TwoFactorClientError');
      await expectAccessible(page, 'settings, no endpoints');
    });

    it('speaks French where the page says lang="fr"', async () => {
      await enrollTotp(h, 'zoe');
      const page = await open();
      await signInAt(page, url, 'zoe', '/code-fr');
      await ready(page, 'Saisir le code d’authentification');
      await page.getByRole('textbox', { name: 'Code d’authentification' }).fill('12');
      await button(page, 'Vérifier').click();
      await page
        .getByRole('alert')
        .getByText('Code d’authentification incorrect. Encore 4 essais.')
        .waitFor();
      await expectAccessible(page, 'code page in French');
      await shot(page, 'challenge-fr');
    });
  });
}
