import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { servicesRequired } from '../helpers/servers.js';

/** Debian's Chromium (apt-get install chromium); `CHROMIUM_PATH` overrides. */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  const message = `[factorkit tests] ${CHROMIUM} not found: the browser suites are SKIPPED (apt-get install chromium)`;
  if (servicesRequired) throw new Error(message);
  console.warn(`\n${'!'.repeat(80)}\n${message}\n${'!'.repeat(80)}\n`);
}

/** Where browser suites save screenshots. */
export const ARTIFACTS = new URL('../../test-artifacts/browser/', import.meta.url).pathname;

/** Headless Chromium with the flags this sandbox needs (no network beyond loopback). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}
