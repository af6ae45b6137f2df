// Enrols a user in TOTP on a SQLite file under the key in FACTORKIT_KEY, with the packed tarball:
// pack-check.sh then rekeys it to a new key with `npx factorkit rekey` and checks with `keys --check`.

import assert from 'node:assert/strict';
import { createTwoFactor, keysFromEnv, MemoryMailer, TotpVerifier } from 'factorkit';
import { SqliteStore } from 'factorkit/sqlite';

const store = new SqliteStore({ filename: process.argv[2] });
store.createSchema();
const tf = createTwoFactor({
  issuer: 'Pack',
  store,
  mailer: new MemoryMailer(),
  keys: keysFromEnv(process.env),
});
const setup = await tf.totp.beginSetup('u', { accountName: 'u@example.com' });
const totp = new TotpVerifier();
assert.equal((await tf.totp.confirmSetup('u', totp.generateCode(setup.secret, Date.now()))).ok, true);
store.close();
