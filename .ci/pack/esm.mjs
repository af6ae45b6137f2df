// Imports the packed tarball as an ES module and runs a whole TOTP enrolment and login on SQLite.

import assert from 'node:assert/strict';
import { createTwoFactor, MemoryMailer, MemoryStore, TotpVerifier } from 'factorkit';
import { createTwoFactorClient } from 'factorkit/client';
import { twoFactorRouter } from 'factorkit/express';
import { PostgresStore } from 'factorkit/postgres';
import { qrSvg } from 'factorkit/qr';
import { RedisStore } from 'factorkit/redis';
import { SmtpMailer } from 'factorkit/smtp';
import { SqliteStore } from 'factorkit/sqlite';

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
const verified = await tf.login.verify(start.challengeId, confirmed.backupCodes[0]);
assert.equal(verified.ok, true);
assert.match(qrSvg(setup.uri), /^<svg /);
for (const value of [
  MemoryStore,
  PostgresStore,
  RedisStore,
  SmtpMailer,
  twoFactorRouter,
  createTwoFactorClient,
])
  assert.equal(typeof value, 'function');
console.log('ESM import of the packed tarball: ok');
