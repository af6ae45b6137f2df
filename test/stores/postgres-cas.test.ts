import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AttemptSchedule, Store, StoreOp } from '../../src/store/store.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { advisoryLockSpace } from '../../src/stores/postgres/postgres-commit-sql.js';
import { PostgresStore } from '../../src/stores/postgres/postgres-store.js';
import { storeStatementsOf, testPostgresPool } from '../helpers/postgres-pool.js';

// A right code's success commit on PostgreSQL is sent as a compare-and-set on the records the
// attempt's commit answered (postgres-cas.ts): these tests change those records between the two
// commits, from another store (another process's hints), and check that the compare-and-set then
// writes nothing and the commit function's answer is the result, as the memory store gives it.

const { port, pool } = testPostgresPool(12);

const NOW = 1_800_000_000_000;
const SCHEDULE: AttemptSchedule = {
  maxAttempts: 20,
  freeAttempts: 20,
  lockMs: [60_000],
  ttlMs: 600_000,
  slide: false,
  afterLockMs: 0,
};
const KEYS = { challenge: '{u}:challenge', account: '{u}:account', user: '{u}:user' };
const ALL = [KEYS.challenge, KEYS.account, KEYS.user];

/** A verify's first commit: the challenge's and the account's attempts, and the user's record read. */
const attempt = (store: Store, now = NOW) =>
  store.commit(
    [
      { type: 'attempt', key: KEYS.challenge, schedule: SCHEDULE, mustExist: true },
      { type: 'attempt', key: KEYS.account, schedule: SCHEDULE, mustExist: false },
    ],
    now,
    [KEYS.user],
  );

/** A right code's commit, shaped as finish.ts makes it: the challenge ends, the code's floor advances, the account resets. */
const SUCCESS: StoreOp[] = [
  { type: 'merge', key: KEYS.challenge, fields: { ended: '1' }, absent: ['ended'] },
  {
    type: 'merge',
    key: KEYS.user,
    fields: { lastSecondFactorAt: String(NOW) },
    advance: { field: 'totpFloor', value: 7 },
  },
  {
    type: 'merge',
    key: KEYS.account,
    fields: { attempts: '0', lockedUntil: '0' },
    create: true,
    expiresAt: NOW + 3_600_000,
  },
];

async function seeded<S extends Store>(store: S): Promise<S> {
  await store.commit(
    [
      { type: 'put', key: KEYS.challenge, fields: { purpose: 'login' }, expiresAt: NOW + 20_000 },
      { type: 'put', key: KEYS.user, fields: { secret: 'sealed' }, expiresAt: null },
    ],
    NOW,
  );
  return store;
}

/** Two stores on one fresh table (two processes, each with its own hints). */
async function twoStores(
  table = `t_${randomUUID().replace(/-/g, '')}`,
): Promise<[PostgresStore, PostgresStore]> {
  const first = new PostgresStore({ pool, table });
  await first.createSchema();
  return [await seeded(first), new PostgresStore({ pool, table })];
}

afterEach(() => vi.restoreAllMocks());

describe.skipIf(port === null)('PostgresStore: a right code as a compare-and-set', () => {
  it('is one compare-and-set statement, and leaves the records the memory store leaves', async () => {
    const [store] = await twoStores();
    const memory = await seeded(new MemoryStore());
    expect(await attempt(store)).toEqual(await attempt(memory));
    let result: unknown;
    expect(await storeStatementsOf(async () => (result = await store.commit(SUCCESS, NOW)))).toEqual(['cas']);
    expect(result).toEqual(await memory.commit(SUCCESS, NOW));
    expect(await store.getMany(ALL, NOW)).toEqual(await memory.getMany(ALL, NOW));
  });

  it('a record changed between the attempt and the success: the compare-and-set writes nothing, the function refuses', async () => {
    const [store, other] = await twoStores();
    await attempt(store);
    // Another process's success ended the challenge meanwhile.
    await other.commit([{ type: 'merge', key: KEYS.challenge, fields: { ended: '1' } }], NOW);
    // Read through the other store: a read makes hints of its own (this store's stay stale).
    const before = await other.getMany(ALL, NOW);
    let result: unknown;
    const sent = await storeStatementsOf(async () => (result = await store.commit(SUCCESS, NOW)));
    expect(sent).toEqual(['cas', 'function']);
    expect(result).toMatchObject({ ok: false, index: 0, reason: 'mismatch' });
    // Nothing of the commit landed: the user's and the account's rows, which matched, rolled back too.
    expect(await store.getMany(ALL, NOW)).toEqual(before);
  });

  it('a record changed in a way the commit still allows: the function merges onto it, nothing lost', async () => {
    const [store, other] = await twoStores();
    const memory = await seeded(new MemoryStore());
    await attempt(store);
    await attempt(memory);
    const change: StoreOp[] = [{ type: 'merge', key: KEYS.user, fields: { phone: '+15550100' } }];
    await other.commit(change, NOW);
    await memory.commit(change, NOW);
    let result: unknown;
    const sent = await storeStatementsOf(async () => (result = await store.commit(SUCCESS, NOW)));
    expect(sent).toEqual(['cas', 'function']);
    expect(result).toEqual(await memory.commit(SUCCESS, NOW));
    expect(await store.getMany(ALL, NOW)).toEqual(await memory.getMany(ALL, NOW));
    expect((await store.get(KEYS.user, NOW))?.fields).toMatchObject({ phone: '+15550100', totpFloor: '7' });
  });

  it('a record created after the attempt read none: the insert fails, the function merges onto it', async () => {
    const [store, other] = await twoStores();
    await store.commit([{ type: 'delete', key: KEYS.user }], NOW);
    await attempt(store); // reads no user record: the hint says none
    await other.commit([{ type: 'put', key: KEYS.user, fields: { totpFloor: '9' }, expiresAt: null }], NOW);
    let result: unknown;
    const created: StoreOp[] = [
      { type: 'merge', key: KEYS.challenge, fields: { ended: '1' }, absent: ['ended'] },
      {
        type: 'merge',
        key: KEYS.user,
        fields: { note: 'x' },
        create: true,
        advance: { field: 'totpFloor', value: 7 },
      },
    ];
    expect(await storeStatementsOf(async () => (result = await store.commit(created, NOW)))).toEqual([
      'cas',
      'function',
    ]);
    // The floor the other process wrote (9) is above this code's (7): stale, and nothing written.
    expect(result).toMatchObject({ ok: false, index: 1, reason: 'stale' });
    expect(await store.get(KEYS.challenge, NOW)).not.toMatchObject({ fields: { ended: '1' } });
    expect(await store.get(KEYS.user, NOW)).toEqual({ fields: { totpFloor: '9' }, expiresAt: null });
  });

  it('a record that expired after the attempt is not live to the compare-and-set: the function answers missing', async () => {
    const [store] = await twoStores();
    await attempt(store);
    const later = NOW + 20_001; // past the challenge's expiry, within the hints' lifetime
    let result: unknown;
    const sent = await storeStatementsOf(async () => (result = await store.commit(SUCCESS, later)));
    expect(sent).toEqual(['cas', 'function']);
    expect(result).toMatchObject({ ok: false, index: 0, reason: 'missing' });
  });

  it("waits for a commit that holds a key's lock, and sees what it wrote", async () => {
    const table = `t_${randomUUID().replace(/-/g, '')}`;
    const [store] = await twoStores(table);
    await attempt(store);
    // A commit of the function, midway: it holds the challenge's lock, and writes only later.
    const holder = await pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
        advisoryLockSpace(table),
        KEYS.challenge,
      ]);
      const success = store.commit(SUCCESS, NOW);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await holder.query(`UPDATE "${table}" SET fields = fields || '{"ended": "1"}' WHERE key = $1`, [
        KEYS.challenge,
      ]);
      await holder.query('COMMIT');
      expect(await success).toMatchObject({ ok: false, index: 0, reason: 'mismatch' });
    } finally {
      holder.release();
    }
    expect((await store.get(KEYS.user, NOW))?.fields).toEqual({ secret: 'sealed' });
  });

  it('stale hints never make a second success: every store attempted, then all succeed at once, one wins', async () => {
    const table = `t_${randomUUID().replace(/-/g, '')}`;
    const first = new PostgresStore({ pool, table });
    await first.createSchema();
    await seeded(first);
    const stores = [first, ...Array.from({ length: 9 }, () => new PostgresStore({ pool, table }))];
    // Each store's hint is the challenge as its own attempt left it: all but the last are stale.
    for (const store of stores) expect(await attempt(store)).toMatchObject({ ok: true });
    const results = await Promise.all(stores.map((store) => store.commit(SUCCESS, NOW)));
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(results.filter((result) => !result.ok)).toEqual(
      Array.from({ length: 9 }, () => expect.objectContaining({ index: 0, reason: 'mismatch' })),
    );
  });
});
