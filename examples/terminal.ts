/**
 * The smallest factorkit program: enroll a user in an authenticator app and sign in with a code.
 * Run with `npm run example:terminal`; scan the QR code with any authenticator app to follow along.
 */
import { randomBytes } from 'node:crypto';
import { createTwoFactor, MemoryMailer, MemoryStore, TotpVerifier } from 'factorkit';
import { qrTerminal } from 'factorkit/qr';

const tf = createTwoFactor({
  issuer: 'CloudFon CX',
  store: new MemoryStore(),
  mailer: new MemoryMailer(),
  // A memory store forgets everything at exit, so a new key each run is enough for this demo.
  keys: process.env['FACTORKIT_KEY'] ?? randomBytes(32),
});

const setup = await tf.totp.beginSetup('agent-1', { accountName: 'agent@cloudfon.example' });
console.log('Link the app to your account: scan this QR code, or type the secret.\n');
console.log(qrTerminal(setup.uri));
console.log(`\nSecret: ${setup.secret}\nURI:    ${setup.uri}\n`);

// This program plays the phone: it computes the code the app would show.
const phone = new TotpVerifier();
const confirmed = await tf.totp.confirmSetup('agent-1', phone.generateCode(setup.secret, Date.now()));
if (!confirmed.ok) throw new Error(`setup failed: ${confirmed.reason}`);
console.log('Authenticator app authentication is enabled. Backup codes:');
console.log(confirmed.backupCodes?.map((code) => `  ${code}`).join('\n'));

const start = await tf.login.start('agent-1');
if (start.status !== 'challenge') throw new Error(start.status);
console.log(`\nSign-in asks for a code (methods: ${start.methods.join(', ')}).`);
const wrong = await tf.login.verify(start.challengeId, '000000');
console.log('Wrong code  ->', JSON.stringify(wrong));
// The confirming code's time step is used; the next login uses a backup code.
const right = await tf.login.verify(start.challengeId, confirmed.backupCodes?.[0] ?? '');
console.log('Backup code ->', JSON.stringify(right));
