// Requires the packed tarball from CommonJS (which requires the ESM-only @noble/hashes: Node >= 20.19).
const assert = require('node:assert/strict');
const { createTwoFactor, MemoryMailer, MemoryStore, TotpVerifier } = require('factorkit');
const { qrSvg } = require('factorkit/qr');
const { RedisStore } = require('factorkit/redis');
const { PostgresStore } = require('factorkit/postgres');
const { SmtpMailer } = require('factorkit/smtp');
const { twoFactorRouter } = require('factorkit/express');
const { SqliteStore } = require('factorkit/sqlite');

(async () => {
  // SqliteStore loads better-sqlite3 with createRequire(import.meta.url): shimmed in the CJS build.
  const store = new SqliteStore({ filename: ':memory:' });
  store.createSchema();
  const tf = createTwoFactor({
    issuer: 'Pack',
    store,
    mailer: new MemoryMailer(),
    keys: '37384e49369e64f63188b924920c14541f8b3c564202e2f7c90bc60afeece76d', // a fixed test key
  });
  const totp = new TotpVerifier();
  const setup = await tf.totp.beginSetup('u', { accountName: 'u@example.com' });
  const confirmed = await tf.totp.confirmSetup('u', totp.generateCode(setup.secret, Date.now()));
  assert.equal(confirmed.ok, true);
  const start = await tf.login.start('u');
  assert.equal(start.status, 'challenge');
  assert.equal((await tf.login.verify(start.challengeId, confirmed.backupCodes[0])).ok, true);
  assert.match(qrSvg(setup.uri), /^<svg /);
  for (const value of [MemoryStore, PostgresStore, RedisStore, SmtpMailer, twoFactorRouter])
    assert.equal(typeof value, 'function');
  console.log('CommonJS require of the packed tarball: ok');
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
