import { TotpVerifier } from '../src/entries/index.js';
import { storeKeys } from '../src/store/keys.js';
import { benchTwoFactor, CLOCK_MS } from './bench-facade.js';
import { measureAsync, table } from './harness.js';
import { targets } from './stores.js';

const USERS = 1000;
const RUN = { concurrency: 1, total: 60 };
const WARM_UP = 10;
const totp = new TotpVerifier();

/**
 * `statusMany` of 1,000 users (half enrolled in TOTP, with backup codes) on each store, beside its
 * floor: 1,000 bare keys (each user's `{tag}:user`) read the same way, through `getAcross`.
 */
export async function benchStatusMany(): Promise<void> {
  const { list, stop } = await targets();
  console.log(`## statusMany of ${USERS} users beside ${USERS} bare keys read the same way (ms)\n`);
  const rows: Array<Array<string | number>> = [];
  for (const target of list) {
    const tf = benchTwoFactor(target.store);
    const ids = Array.from({ length: USERS }, (_, i) => `status-${i}`);
    for (let from = 0; from < USERS / 2; from += 50) {
      await Promise.all(
        ids.slice(from, from + 50).map(async (userId) => {
          const setup = await tf.totp.beginSetup(userId, { accountName: userId });
          await tf.totp.confirmSetup(userId, totp.generateCode(setup.secret, CLOCK_MS - 30_000));
        }),
      );
    }
    const bareKeys = ids.map((userId) => storeKeys.user(userId));
    const getAcross = target.store.getAcross!.bind(target.store);
    await measureAsync(() => tf.statusMany(ids), { concurrency: 1, total: WARM_UP });
    const status = await measureAsync(() => tf.statusMany(ids), RUN);
    await measureAsync(() => getAcross(bareKeys, CLOCK_MS), { concurrency: 1, total: WARM_UP });
    const floor = await measureAsync(() => getAcross(bareKeys, CLOCK_MS), RUN);
    const enrolled = [...(await tf.statusMany(ids)).values()].filter((s) => s.enabled).length;
    if (enrolled !== USERS / 2)
      throw new Error(`${target.name}: ${enrolled} enrolled, expected ${USERS / 2}`);
    rows.push(
      [target.name, 'statusMany(1,000 ids)', status.p50, status.p99, (status.p50 / floor.p50).toFixed(2)],
      [target.name, '1,000 bare keys (getAcross)', floor.p50, floor.p99, '1.00'],
    );
  }
  table(['store', 'call', 'p50', 'p99', 'p50 / floor'], rows);
  await Promise.all(list.map((target) => target.close()));
  await stop();
}
