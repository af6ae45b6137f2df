import type { Store } from '../store/store.js';
import type { ContractTools, StoreFactory } from './contract-tools.js';
import { T0 } from './contract-tools.js';

/** Every key a full scan returns, following cursors (bounded: a cursor that never ends fails). */
export async function scanAll(store: Store, limit: number, now: number, between?: () => Promise<void>) {
  const keys: string[] = [];
  let cursor = '';
  for (let page = 0; page < 10_000; page++) {
    const next = await store.scan!(cursor, limit, now);
    keys.push(...next.keys);
    cursor = next.cursor;
    if (cursor === '') return keys;
    await between?.();
  }
  throw new Error('scan did not end within 10,000 pages');
}

/**
 * `scan`, the optional op maintenance uses (`tf.keys`): skipped, with a note, for a store without it.
 * Keys come at least once while their record is live; extra keys must be ones `get` finds dead.
 */
export function scanCases({ it, expect }: ContractTools, makeStore: StoreFactory): void {
  const put = (store: Store, key: string, expiresAt: number | null, at = T0) =>
    store.commit([{ type: 'put', key, fields: { v: key }, expiresAt }], at);

  /** Fails unless `found` holds every key of `live`, and any other key it holds is dead at `now`. */
  async function expectKeys(store: Store, found: string[], live: string[], now: number) {
    expect(new Set(found)).toEqual(new Set([...live, ...found.filter((key) => !live.includes(key))]));
    for (const key of live) expect(found, key).toContain(key);
    for (const key of found.filter((key) => !live.includes(key)))
      expect(await store.get(key, now), `${key} came from scan and is live`).toBeNull();
  }

  it('scan (optional): every live key, in pages, whatever the page size; an expired record is not live', async (context) => {
    const store = await makeStore();
    if (!store.scan) return context.skip('this store has no scan(): tf.keys.usage and rekey refuse it');
    const live = Array.from({ length: 23 }, (_, i) => `{t${i % 5}}:k${i}`);
    for (const key of live) await put(store, key, key.endsWith('7') ? T0 + 600_000 : null);
    await put(store, '{t0}:gone', T0 + 60_000);
    await put(store, 'policy', null);
    live.push('policy');
    for (const limit of [1, 7, 1000]) {
      await expectKeys(store, await scanAll(store, limit, T0 + 60_000), live, T0 + 60_000);
    }
    expect(await store.scan('', 10, T0)).toMatchObject({
      keys: expect.any(Array),
      cursor: expect.any(String),
    });
  });

  it('scan (optional): an empty store ends at once; a cursor resumes later where the scan stopped', async (context) => {
    const store = await makeStore();
    if (!store.scan) return context.skip('this store has no scan()');
    expect(await scanAll(store, 10, T0)).toEqual([]);
    const keys = Array.from({ length: 12 }, (_, i) => `{r${i}}:user`);
    for (const key of keys) await put(store, key, null);
    const first = await store.scan('', 4, T0);
    // The cursor is text: stored by one run, used by the next.
    const resumed: string[] = [...first.keys];
    let cursor = String(first.cursor);
    while (cursor !== '') {
      const page = await store.scan(cursor, 4, T0);
      resumed.push(...page.keys);
      cursor = page.cursor;
    }
    await expectKeys(store, resumed, keys, T0);
  });

  it('scan (optional): records written, deleted and created between pages never hide one that stays', async (context) => {
    const store = await makeStore();
    if (!store.scan) return context.skip('this store has no scan()');
    const stays = Array.from({ length: 30 }, (_, i) => `{s${i}}:user`);
    const goes = Array.from({ length: 10 }, (_, i) => `{g${i}}:user`);
    for (const key of [...stays, ...goes]) await put(store, key, null);
    let round = 0;
    const found = await scanAll(store, 5, T0, async () => {
      round++;
      // Rewrite a record that stays, remove one that goes, add a new one.
      await store.commit(
        [{ type: 'merge', key: stays[round % stays.length]!, fields: { w: String(round) } }],
        T0,
      );
      if (goes[round]) await store.commit([{ type: 'delete', key: goes[round]! }], T0);
      await put(store, `{n${round}}:user`, null);
    });
    for (const key of stays) expect(found, key).toContain(key);
  });
}
