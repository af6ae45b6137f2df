// A fresh process's first verifies: `node first-verifies.mjs <dist folder> <blocks>` prints the mean
// CPU µs (user + system: steadier than wall time on a shared machine) of one `verifyCode` (a different secret each call, as a login decodes its user's secret) in each
// block of 1,000 calls. Node checks whether a caller of the deprecated `new Buffer()` sits in
// node_modules for its first 10,000 calls (a stack trace each): the first blocks show that toll.
import { pathToFileURL } from 'node:url';

const [dist, blocksText] = process.argv.slice(2);
const { TotpVerifier } = await import(pathToFileURL(`${dist}/index.js`).href);
const BLOCK = 1_000;
const blocks = Number(blocksText ?? 10);
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
// Secrets made here, not by the library: its encoder must not spend Node's 10,000 checks first.
const secrets = Array.from({ length: BLOCK * blocks }, () =>
  Array.from({ length: 32 }, () => ALPHABET[Math.floor(Math.random() * 32)]).join(''),
);
const totp = new TotpVerifier();
const now = Date.now();
const means = [];
for (let block = 0; block < blocks; block++) {
  const started = process.cpuUsage();
  for (let call = block * BLOCK; call < (block + 1) * BLOCK; call++)
    totp.verifyCode(secrets[call], '000000', now);
  const used = process.cpuUsage(started);
  means.push((used.user + used.system) / BLOCK);
}
process.stdout.write(JSON.stringify(means));
