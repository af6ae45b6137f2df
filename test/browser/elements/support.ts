import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { expect } from 'vitest';
import { MemorySender } from '../../../src/methods/phone/phone-sender.js';
import { MemoryStore } from '../../../src/stores/memory/memory-store.js';
import { type Harness, makeTwoFactor } from '../../helpers/harness.js';
import { hostApps } from '../../http/support/host-list.js';
import type { TestHost } from '../../http/support/hosts.js';

const root = new URL('../../../', import.meta.url).pathname;

/** `src/entries/<entry>.ts` bundled for the browser (esbuild, as a bundler would), once per run. */
const bundles = new Map<string, Promise<string>>();
export function bundled(entry: string): Promise<string> {
  let bundle = bundles.get(entry);
  if (!bundle) {
    bundle = build({
      entryPoints: [`${root}src/entries/${entry}.ts`],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      write: false,
    }).then((result) => result.outputFiles[0]!.text);
    bundles.set(entry, bundle);
  }
  return bundle;
}

/** axe-core's browser script (injected into pages to check them). */
export const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** A page of the host app: the elements' module and `body` (an element in a `<main>`). */
export const page = (body: string, lang = 'en') => ({
  type: 'text/html; charset=utf-8',
  body: `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>factorkit elements</title>
<script type="module" src="/elements.js"></script></head><body><main><h1>CloudFon CX</h1>${body}</main></body></html>`,
});

/** A free port on 127.0.0.1 (the security keys' origin names it before the host starts). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A host app (one adapter) serving the elements' pages, on a fresh facade with a fake clock and
 * text messages on (`sender` holds them). `url` is http://localhost:<port> (WebAuthn wants a
 * domain), the security keys' origin.
 */
export async function startUiHost(
  adapter: string,
  pages: Record<string, string>,
): Promise<{ h: Harness; host: TestHost; url: string; sender: MemorySender }> {
  const app = hostApps.find((candidate) => candidate.name === adapter)!;
  const sender = new MemorySender();
  const h = makeTwoFactor(new MemoryStore(), { phone: { sender } });
  h.clock.set(Date.now()); // the times the elements show are near the page's own
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const host = await app.start(h, {
    port,
    webauthn: { rpId: 'localhost', rpName: 'CloudFon CX', origin: url },
    pages: {
      '/elements.js': { type: 'text/javascript', body: await bundled('elements') },
      ...Object.fromEntries(Object.entries(pages).map(([path, body]) => [path, page(body)])),
    },
  });
  return { h, host, url, sender };
}

/**
 * Pages whose states axe-core does not check again: the elements render the same whatever adapter
 * answers, so one adapter's run checks every state (axe takes about half a second a state).
 */
export const checkedElsewhere = new WeakSet<Page>();

/** axe-core on the page as it is now: no violations (shadow roots included). */
export async function expectAccessible(page: Page, state: string): Promise<void> {
  if (checkedElsewhere.has(page)) return;
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run(): Promise<{ violations: Array<{ id: string; nodes: Array<{ target: unknown }> }> }> };
      }
    ).axe;
    const result = await axe.run();
    return result.violations.map((v) => `${v.id}: ${JSON.stringify(v.nodes.map((n) => n.target))}`);
  });
  expect(violations, `axe-core violations (${state})`).toEqual([]);
}

/** A virtual security key that answers every prompt (Chromium's WebAuthn over CDP). */
export async function plugInKey(
  context: BrowserContext,
  page: Page,
): Promise<{ cdp: CDPSession; id: string }> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'usb',
      hasResidentKey: false,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, id: authenticatorId };
}
