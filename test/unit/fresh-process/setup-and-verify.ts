/**
 * A fresh process's first sign-in through the root entry: prints which modules were loaded at each
 * step (is `qrcode-generator` loaded before a setup asks for it?). Run with `--throw-deprecation
 * --pending-deprecation`, so any deprecated API on the way (`new Buffer()`) ends it with an error.
 */
import { createHash } from 'node:crypto';
import { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';

const imported = new Set<string>();
const { port1, port2 } = new MessageChannel();
port1.on('message', (specifier: string) => imported.add(specifier));
port1.unref();
register('./watch-imports.mjs', import.meta.url, { data: { port: port2 }, transferList: [port2] });
const { createTwoFactor, MemoryMailer, MemoryStore, TotpVerifier } = await import(
  '../../../src/entries/index.js'
);
/** Messages from the hooks' thread arrive on the next turns of the event loop. */
const qrLoaded = async () => {
  await new Promise((resolve) => setTimeout(resolve, 20));
  return imported.has('qrcode-generator');
};

const tf = createTwoFactor({
  issuer: 'CloudFon CX',
  store: new MemoryStore(),
  mailer: new MemoryMailer(),
  // Random-looking, as the keyring asks (test/helpers/harness.ts's testKey, without its imports).
  keys: createHash('sha256').update('factorkit test key fresh-process').digest('hex'),
});
const totp = new TotpVerifier();
const afterImport = await qrLoaded();
const setup = await tf.totp.beginSetup('ana', { accountName: 'ana@example.com' });
const confirmed = await tf.totp.confirmSetup('ana', totp.generateCode(setup.secret, Date.now() - 30_000));
const challenge = await tf.login.start('ana');
if (challenge.status !== 'challenge') throw new Error(`no challenge: ${challenge.status}`);
const verified = await tf.login.verify(challenge.challengeId, totp.generateCode(setup.secret, Date.now()));
const afterSetup = await qrLoaded();
process.stdout.write(
  JSON.stringify({
    afterImport,
    afterSetup,
    confirmed: confirmed.ok,
    verified: verified.ok,
    qr: setup.qrSvg.slice(0, 4),
  }),
);
