// The packed elements in Chromium: a plain HTML page loads dist/elements.js from a
// <script type="module">, and a React 19 page built by Vite uses <factorkit-challenge>; both sign
// a user in through factorkit/express (from the tarball) on a real server.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import express from 'express';
import session from 'express-session';
import { createTwoFactor, MemoryMailer, MemoryStore, TotpVerifier } from 'factorkit';
import { twoFactorRouter } from 'factorkit/express';

const [root, chromiumPath] = process.argv.slice(2);
const { chromium } = await import(join(root, 'node_modules/playwright-core/index.mjs'));
const dist = dirname(new URL(import.meta.resolve('factorkit/elements')).pathname);

const tf = createTwoFactor({
  issuer: 'Pack',
  store: new MemoryStore(),
  mailer: new MemoryMailer(),
  keys: '8971eb57bb181771a9d6d10393571aca6f4a531707e0a00b52f286f65b86660d', // a fixed test key
});
const totp = new TotpVerifier();
const setup = await tf.totp.beginSetup('u', { accountName: 'u@example.com' });
const confirmed = await tf.totp.confirmSetup('u', totp.generateCode(setup.secret, Date.now()));
assert.equal(confirmed.ok, true);

const app = express();
app.use(session({ secret: 'pack-check-session-secret-32-chars!', resave: false, saveUninitialized: false }));
const twoFactor = twoFactorRouter(tf, { session: (req) => req.session });
app.use('/2fa', twoFactor);
app.post('/password', async (req, res) => void res.json(await twoFactor.beginLogin(req, 'u')));
app.use('/factorkit', express.static(dist));
app.get('/plain.html', (_req, res) => void res.type('html').send(readFileSync('plain.html')));
app.use('/react', express.static('react/dist'));
const server = app.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const base = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: chromiumPath,
  args: ['--no-sandbox', '--disable-gpu'],
});
/** Password, then the code typed into the element on `path`; `signedIn` waits for the page to say so. */
async function signIn(path, code, verify, signedIn) {
  const page = await browser.newPage();
  page.setDefaultTimeout(10_000);
  await page.goto(`${base}/plain.html`);
  await page.evaluate(() =>
    fetch('/password', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }),
  );
  await page.goto(`${base}${path}`);
  await page.getByRole('textbox', { name: 'Authentication code' }).fill(code);
  await page.getByRole('button', { name: verify }).click();
  await signedIn(page);
  await page.close();
}

try {
  // The next step's code (the confirmation used this one; the window takes one step ahead).
  await signIn('/plain.html', totp.generateCode(setup.secret, Date.now() + 30_000), 'Verify', (page) =>
    page.waitForFunction(() => window.signedIn === 'totp'),
  );
  console.log('elements from the packed tarball in a plain HTML page (<script type="module">): signed in');
  await signIn('/react/', confirmed.backupCodes[0], 'Verify now', (page) =>
    page.getByText('Signed in with backup-code').waitFor(),
  );
  console.log('elements from the packed tarball in a React 19 page built by Vite: signed in');
} finally {
  await browser.close();
  server.close();
}
