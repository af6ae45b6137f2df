import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollTotp } from '../../helpers/harness.js';
import { ARTIFACTS, hasChromium, launchChromium } from '../chromium.js';
import { expectAccessible, password, startUiHost } from './support.js';

let browser: Browser;
beforeAll(async () => {
  if (hasChromium) browser = await launchChromium();
});
afterAll(() => browser?.close());

describe.skipIf(!hasChromium)('<factorkit-challenge> smoke', () => {
  it('signs in with an app code', async () => {
    const { h, host, url } = await startUiHost('express', {
      '/code': '<factorkit-challenge></factorkit-challenge>',
    });
    const { secret } = await enrollTotp(h, 'ana');
    const context = await browser.newContext();
    const page = await context.newPage();
    page.on('console', (m) => console.log('console', m.text()));
    page.on('pageerror', (e) => console.log('pageerror', e.message));
    await page.goto(`${url}/code`);
    expect(await password(page, 'ana')).toBe('challenge');
    await page.reload();
    await page.getByRole('textbox', { name: 'Authentication code' }).fill(h.totp.generateCode(secret, h.clock.now()));
    await expectAccessible(page, 'code page');
    await page.screenshot({ path: `${ARTIFACTS}el-challenge.png` });
    const signedIn = page.evaluate(
      () =>
        new Promise((resolve) =>
          document
            .querySelector('factorkit-challenge')!
            .addEventListener('signed-in', (e) => resolve((e as CustomEvent).detail)),
        ),
    );
    await page.getByRole('button', { name: 'Verify' }).click();
    expect(await signedIn).toEqual({ method: 'totp' });
    await context.close();
    await host.close();
  });
});
