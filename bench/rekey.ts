import { createHash } from 'node:crypto';
import { createTwoFactor, MemoryMailer, type Store, TotpVerifier } from '../src/entries/index.js';
import { CLOCK_MS } from './bench-facade.js';
import { table } from './harness.js';
import { targets } from './stores.js';

/** Users seeded per store: a TOTP secret and ten backup codes each, so two records to move. */
const USERS = Number(process.env['FACTORKIT_BENCH_REKEY_USERS'] ?? 2000);
const keyOf = (label: string) => createHash('sha256').update(`factorkit bench ${label}`).digest('hex');
const A = keyOf('rekey A');
const B = keyOf('rekey B');

const facade = (store: Store, keys: Parameters<typeof createTwoFactor>[0]['keys']) =>
  createTwoFactor({ issuer: 'Bench', store, mailer: new MemoryMailer(), keys, now: () => CLOCK_MS });

async function seed(store: Store): Promise<void> {
  const tf = facade(store, A);
  const totp = new TotpVerifier();
  for (let from = 0; from < USERS; from += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, USERS - from) }, async (_, k) => {
        const userId = `rekey-${from + k}`;
        const setup = await tf.totp.beginSetup(userId, { accountName: userId });
        await tf.totp.confirmSetup(userId, totp.generateCode(setup.secret, CLOCK_MS));
      }),
    );
  }
}

/**
 * The floor: the same walk with bare store calls and no crypto: scan pages of 500, one read per
 * user, one commit per user of a merge per record (matching what was read), 16 users at a time.
 */
async function floor(store: Store): Promise<number> {
  let cursor = '';
  let written = 0;
  do {
    const page = await store.scan!(cursor, 500, CLOCK_MS);
    cursor = page.cursor;
    const byUser = new Map<string, string[]>();
    for (const key of page.keys) {
      if (!key.endsWith('}:user') && !key.endsWith('}:backup-codes')) continue;
      const tag = key.slice(0, key.indexOf('}:') + 1);
      byUser.set(tag, [...(byUser.get(tag) ?? []), key]);
    }
    const users = [...byUser.values()];
    for (let from = 0; from < users.length; from += 16) {
      await Promise.all(
        users.slice(from, from + 16).map(async (keys) => {
          const records = await store.getMany(keys, CLOCK_MS);
          const ops = keys.map((key, i) => {
            const fields = records[i]?.fields ?? {};
            return { type: 'merge' as const, key, fields, match: fields };
          });
          await store.commit(ops, CLOCK_MS);
          written += ops.length;
        }),
      );
    }
  } while (cursor !== '');
  return written;
}

const seconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;

/**
 * `tf.keys.rekey()` on each store: `USERS` users seeded under key A (two records each), rekeyed
 * under B with A older; records moved per second, beside `tf.keys.usage()` (the same scan, reads
 * only) and a floor of bare store calls doing the same walk without crypto.
 */
export async function benchRekey(): Promise<void> {
  const { list, stop } = await targets();
  console.log(`## tf.keys.rekey: ${USERS} users (${USERS * 2} records) moved from key A to key B\n`);
  const rows: Array<Array<string | number>> = [];
  try {
    for (const target of list) {
      await seed(target.store);
      const rotated = facade(target.store, { current: B, old: A });
      let started = process.hrtime.bigint();
      const usage = await rotated.keys.usage();
      const usageSeconds = seconds(started);
      started = process.hrtime.bigint();
      const result = await rotated.keys.rekey();
      const rekeySeconds = seconds(started);
      if (result.rewritten !== USERS * 2) throw new Error(`${target.name}: rewrote ${result.rewritten}`);
      started = process.hrtime.bigint();
      const bare = await floor(target.store);
      const floorSeconds = seconds(started);
      const records = Object.values(usage).reduce((sum, n) => sum + n, 0);
      rows.push([
        target.name,
        Math.round(result.rewritten / rekeySeconds),
        Math.round(records / usageSeconds),
        Math.round(bare / floorSeconds),
        (bare / floorSeconds / (result.rewritten / rekeySeconds)).toFixed(2),
      ]);
    }
  } finally {
    await Promise.all(list.map((target) => target.close()));
    await stop();
  }
  table(
    ['store', 'rekey records/s', 'usage records/s', 'floor records/s (bare walk)', 'floor / rekey'],
    rows,
  );
}
