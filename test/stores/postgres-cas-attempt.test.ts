import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AttemptSchedule, Store, StoreOp } from '../../src/store/store.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { advisoryLockSpace } from '../../src/stores/postgres/postgres-commit-sql.js';
import { PostgresStore } from '../../src/stores/postgres/postgres-store.js';
import { enrollTotp, makeTwoFactor, startChallenge } from '../helpers/harness.js';
import { storeStatementsOf, testPostgresPool } from '../helpers/postgres-pool.js';

// A verify's attempt on PostgreSQL is sent as a compare-and-set on the records this process's
// last commits answered or wrote (postgres-cas.ts), the read keys read once its locks are held.
// These tests count which statement ran (the compare-and-set or the commit function), and check
// every answer and every row against the memory store's.

const { port, pool } = testPostgresPool(12);

const NOW = 1_800_000_000_000;
const CHALLENGE: AttemptSchedule = {
  maxAttempts: 5,
  freeAttempts: 2,
  lockMs: [60_000],
  ttlMs: 600_000,
  slide: false,
  afterLockMs: 300_000,
};
const ACCOUNT: AttemptSchedule = {
  maxAttempts: null,
  freeAttempts: 20,
  lockMs: [3_600_000],
  ttlMs: 2_592_000_000,
  slide: true,
  afterLockMs: 2_592_000_000,
};
const KEYS = { challenge: '{u}:challenge', account: '{u}:account', user: '{u}:user', other: '{u}:other' };
const ALL = Object.values(KEYS);

const ATTEMPT: StoreOp[] = [
  { type: 'attempt', key: KEYS.challenge, schedule: CHALLENGE, mustExist: true },
  { type: 'attempt', key: KEYS.account, schedule: ACCOUNT, mustExist: false },
];
/** A verify's first commit: the challenge's and the account's attempts, the user's records read. */
const attempt = (store: Store, now = NOW) => store.commit(ATTEMPT, now, [KEYS.user, KEYS.other]);

/** The challenge as login.start puts it, and the account as the last success left it. */
async function seeded<S extends Store>(store: S, account = true): Promise<S> {
  await store.commit(
    [
      {
        type: 'put',
        key: KEYS.challenge,
        fields: { purpose: 'login', deadline: String(NOW + 300_000), attempts: '0', lockedUntil: '0' },
        expiresAt: NOW + 360_000,
      },
      { type: 'put', key: KEYS.user, fields: { secret: 'sealed' }, expiresAt: null },
      ...(account
        ? [
            {
              type: 'put',
              key: KEYS.account,
              fields: { attempts: '0', lockedUntil: '0' },
              expiresAt: NOW + 1_000,
            } as const,
          ]
        : []),
    ],
    NOW,
  );
  return store;
}

const freshTable = () => `t_${randomUUID().replace(/-/g, '')}`;

async function storeOn(table: string): Promise<PostgresStore> {
  const store = new PostgresStore({ pool, table });
  await store.createSchema();
  return store;
}

/** Runs `commit` on both stores: the statements the PostgreSQL one sent, and that both answered alike. */
async function both(
  store: Store,
  memory: Store,
  commit: (store: Store) => Promise<unknown>,
): Promise<{ sent: string[]; result: unknown }> {
  let result: unknown;
  const sent = await storeStatementsOf(async () => (result = await commit(store)));
  expect(result).toEqual(await commit(memory));
  return { sent, result };
}

/**
 * On a fresh table and a memory store, both seeded and given `before`: an attempt (a
 * compare-and-set), then `meanwhile` committed by another process's store, then `success`; the
 * statements `success` sent and its answer (the same on both stores), the rows checked alike.
 */
async function successAfterAttempt(commits: {
  success: StoreOp[];
  before?: StoreOp[];
  meanwhile?: StoreOp[];
}): Promise<{ sent: string[]; result: unknown }> {
  const table = freshTable();
  const store = await seeded(await storeOn(table));
  const memory = await seeded(new MemoryStore());
  const written = [...(commits.before ?? []), ...commits.success, ...(commits.meanwhile ?? [])];
  const keys = [...new Set([...ALL, ...written.map((op) => op.key)])];
  for (const s of [store, memory]) if (commits.before) await s.commit(commits.before, NOW);
  expect((await both(store, memory, (s) => attempt(s))).sent).toEqual(['cas']);
  if (commits.meanwhile) {
    await new PostgresStore({ pool, table }).commit(commits.meanwhile, NOW);
    await memory.commit(commits.meanwhile, NOW);
  }
  const done = await both(store, memory, (s) => s.commit(commits.success, NOW + 1));
  expect(await store.getMany(keys, NOW + 1)).toEqual(await memory.getMany(keys, NOW + 1));
  return done;
}

afterEach(() => vi.restoreAllMocks());

describe.skipIf(port === null)("PostgresStore: a verify's attempt as a compare-and-set", () => {
  it("wrong codes until the lock, then a success: each a compare-and-set, with the memory store's answers and rows", async () => {
    const store = await seeded(await storeOn(freshTable()));
    const memory = await seeded(new MemoryStore());
    // Attempts 1-3 (the third arms the challenge's lock, and its expiry grows past the lock).
    for (const at of [NOW, NOW + 1, NOW + 2])
      expect((await both(store, memory, (s) => attempt(s, at))).sent).toEqual(['cas']);
    expect(await store.getMany(ALL, NOW + 2)).toEqual(await memory.getMany(ALL, NOW + 2));
    // Locked: the hints refuse, and the commit function answers with the real reason.
    const locked = await both(store, memory, (s) => attempt(s, NOW + 3));
    expect(locked).toMatchObject({ sent: ['function'], result: { ok: false, reason: 'locked' } });
    // After the lock: the function's refusal left no hint of the challenge, so the function counts
    // attempt 4 (which locks again), and after that lock attempt 5 is a compare-and-set again.
    expect((await both(store, memory, (s) => attempt(s, NOW + 60_003))).sent).toEqual(['function']);
    expect((await both(store, memory, (s) => attempt(s, NOW + 120_004))).sent).toEqual(['cas']);
    const success: StoreOp[] = [
      { type: 'merge', key: KEYS.challenge, fields: { ended: '1' }, absent: ['ended'] },
      {
        type: 'merge',
        key: KEYS.account,
        fields: { attempts: '0', lockedUntil: '0' },
        create: true,
        expiresAt: NOW + 9_000_000,
      },
    ];
    expect((await both(store, memory, (s) => s.commit(success, NOW + 120_005))).sent).toEqual(['cas']);
    // The ended challenge: the hints refuse, the function answers ended.
    const ended = await both(store, memory, (s) => attempt(s, NOW + 120_006));
    expect(ended).toMatchObject({ sent: ['function'], result: { ok: false, index: 0, reason: 'ended' } });
    expect(await store.getMany(ALL, NOW + 120_006)).toEqual(await memory.getMany(ALL, NOW + 120_006));
  });

  it("a success that requires a record's absence (no sign-out everywhere since the attempt): a compare-and-set; one created meanwhile by another process: refused with the function's reason", async () => {
    const success: StoreOp[] = [
      { type: 'merge', key: KEYS.challenge, fields: { ended: '1' }, absent: ['ended'] },
      { type: 'absent', key: KEYS.other },
    ];
    const held = await successAfterAttempt({ success });
    expect(held).toMatchObject({ sent: ['cas'], result: { ok: true } });
    // Another process signs the user out everywhere between the attempt and the success.
    const meanwhile: StoreOp[] = [
      { type: 'put', key: KEYS.other, fields: { from: String(NOW) }, expiresAt: null },
    ];
    const refused = await successAfterAttempt({ success, meanwhile });
    expect(refused).toMatchObject({
      sent: ['cas', 'function'],
      result: { ok: false, index: 1, reason: 'exists' },
    });
  });

  it("an HTTP sign-in's success (a new session put, the pending one taken as read): a compare-and-set; a pending session changed meanwhile: the function's answer", async () => {
    const before: StoreOp[] = [
      { type: 'put', key: KEYS.other, fields: { since: String(NOW) }, expiresAt: NOW + 600_000 },
    ];
    const success: StoreOp[] = [
      { type: 'merge', key: KEYS.challenge, fields: { ended: '1' }, absent: ['ended'] },
      { type: 'put', key: '{u}:session:new', fields: { since: String(NOW + 1) }, expiresAt: NOW + 900_000 },
      { type: 'take', key: KEYS.other },
    ];
    const held = await successAfterAttempt({ before, success });
    expect(held).toMatchObject({ sent: ['cas'], result: { ok: true } });
    // Another request signs this pending session in first: the take's record is gone.
    const meanwhile: StoreOp[] = [{ type: 'delete', key: KEYS.other }];
    const refused = await successAfterAttempt({ before, success, meanwhile });
    expect(refused).toMatchObject({
      sent: ['cas', 'function'],
      result: { ok: false, index: 2, reason: 'missing' },
    });
  });

  it('an account with no record: the attempt inserts it', async () => {
    const table = freshTable();
    const store = await seeded(await storeOn(table), false);
    const memory = await seeded(new MemoryStore(), false);
    // A commit's read of the account (none) makes its hint: the attempt inserts the record.
    await both(store, memory, (s) => s.commit([], NOW, [KEYS.account]));
    expect((await both(store, memory, (s) => attempt(s))).sent).toEqual(['cas']);
    expect(await store.getMany(ALL, NOW)).toEqual(await memory.getMany(ALL, NOW));
  });

  it("a code page's read of the challenge and the account: the first attempt is a compare-and-set", async () => {
    const table = freshTable();
    await seeded(await storeOn(table));
    const store = new PostgresStore({ pool, table }); // another process: it has written nothing
    const memory = await seeded(new MemoryStore());
    expect((await both(store, memory, (s) => attempt(s))).sent).toEqual(['function']);
    const fresh = new PostgresStore({ pool, table });
    await fresh.getMany([KEYS.challenge, KEYS.account], NOW + 1); // pendingLock's read
    expect((await both(fresh, memory, (s) => attempt(s, NOW + 1))).sent).toEqual(['cas']);
    expect(await fresh.getMany(ALL, NOW + 1)).toEqual(await memory.getMany(ALL, NOW + 1));
  });

  it('a key read twice is locked once, and read twice', async () => {
    const store = await seeded(await storeOn(freshTable()));
    const memory = await seeded(new MemoryStore());
    const twice = (s: Store) => s.commit(ATTEMPT, NOW, [KEYS.user, KEYS.other, KEYS.user]);
    expect((await both(store, memory, twice)).sent).toEqual(['cas']);
  });

  it('a hint made stale by another process: the compare-and-set writes nothing, the function counts once', async () => {
    const table = freshTable();
    const store = await seeded(await storeOn(table));
    const other = await storeOn(table);
    const memory = await seeded(new MemoryStore());
    await both(store, memory, (s) => attempt(s)); // a compare-and-set: its hints are now the rows
    await both(other, memory, (s) => attempt(s)); // another process's attempt: the function
    const racing = await both(store, memory, (s) => attempt(s, NOW + 1));
    expect(racing.sent).toEqual(['cas', 'function']);
    expect(await store.getMany(ALL, NOW + 1)).toEqual(await memory.getMany(ALL, NOW + 1));
    expect((await store.get(KEYS.challenge, NOW + 1))?.fields['attempts']).toBe('3');
  });

  it("an expired challenge: past its row's expiry the compare-and-set misses, past its deadline the hints refuse", async () => {
    const store = await seeded(await storeOn(freshTable()));
    const memory = await seeded(new MemoryStore());
    await both(store, memory, (s) => attempt(s));
    // The account's row (expiry NOW + 1,000 slid by the attempt) is live; the challenge's deadline passed.
    const late = await both(store, memory, (s) => attempt(s, NOW + 300_000));
    expect(late).toMatchObject({ sent: ['function'], result: { ok: false, index: 0, reason: 'expired' } });
    // A challenge row past its expiry but not its deadline: missing, found by the statement only.
    const store2 = await seeded(await storeOn(freshTable()));
    await store2.commit(
      [
        {
          type: 'put',
          key: KEYS.challenge,
          fields: { attempts: '0', lockedUntil: '0' },
          expiresAt: NOW + 10,
        },
      ],
      NOW,
    );
    let result: unknown;
    const sent = await storeStatementsOf(async () => (result = await attempt(store2, NOW + 10)));
    expect(sent).toEqual(['cas', 'function']);
    expect(result).toMatchObject({ ok: false, index: 0, reason: 'missing' });
  });

  it('reads the records after its locks: a commit that held a lock and wrote a read key is seen', async () => {
    const table = freshTable();
    const store = await seeded(await storeOn(table));
    await attempt(store);
    // A commit midway that holds the account's lock without changing the account, and writes the user's record.
    const holder = await pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
        advisoryLockSpace(table),
        KEYS.account,
      ]);
      await holder.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
        advisoryLockSpace(table),
        KEYS.user,
      ]);
      let result: unknown;
      const sent = storeStatementsOf(async () => (result = await attempt(store, NOW + 1)));
      await new Promise((resolve) => setTimeout(resolve, 200));
      await holder.query(`UPDATE "${table}" SET fields = '{"secret": "rotated"}' WHERE key = $1`, [
        KEYS.user,
      ]);
      await holder.query('COMMIT');
      expect(await sent).toEqual(['cas']);
      expect(result).toMatchObject({ ok: true, read: [{ fields: { secret: 'rotated' } }, null] });
    } finally {
      holder.release();
    }
  });

  it('concurrent attempts from ten processes: every attempt counted once, none past the limit', async () => {
    const table = freshTable();
    const first = await seeded(await storeOn(table));
    const stores = [first, ...Array.from({ length: 9 }, () => new PostgresStore({ pool, table }))];
    const many: AttemptSchedule = { ...CHALLENGE, maxAttempts: 15, freeAttempts: 15 };
    const take = (store: Store, now: number) =>
      store.commit([{ ...ATTEMPT[0]!, schedule: many } as StoreOp, ATTEMPT[1]!], now, [KEYS.user]);
    // Each store's hints are the rows as its own attempt left them: all but the last are stale.
    for (const store of stores) expect(await take(store, NOW)).toMatchObject({ ok: true });
    const sent = await storeStatementsOf(async () => {
      const results = await Promise.all(stores.map((store) => take(store, NOW + 1)));
      expect(results.filter((result) => result.ok)).toHaveLength(5);
      expect(results.filter((result) => !result.ok)).toEqual(
        Array.from({ length: 5 }, () => expect.objectContaining({ index: 0, reason: 'ended' })),
      );
    });
    expect(sent.filter((kind) => kind === 'cas')).toHaveLength(10);
    const [challenge, account] = await first.getMany([KEYS.challenge, KEYS.account], NOW + 1);
    expect(challenge?.fields['attempts']).toBe('15');
    expect(account?.fields['attempts']).toBe('15');
  });

  it('through login.verify: the first wrong code, a second and the right one after it are compare-and-sets', async () => {
    const h = makeTwoFactor(await storeOn(freshTable()), { policyCacheMs: 5000, notify: false });
    const { secret } = await enrollTotp(h, 'agent');
    const right = h.totp.generateCode(secret, h.clock.now());
    const wrong = right === '000000' ? '111111' : '000000';
    const { challengeId } = await startChallenge(h, 'agent');
    // The first attempt too: login.start read the account's record with the user's.
    let sent = await storeStatementsOf(() => h.tf.login.verify(challengeId, wrong));
    expect(sent).toEqual(['cas']);
    sent = await storeStatementsOf(async () =>
      expect(await h.tf.login.verify(challengeId, wrong)).toMatchObject({
        ok: false,
        reason: 'invalid-code',
      }),
    );
    expect(sent).toEqual(['cas']);
    sent = await storeStatementsOf(async () =>
      expect(await h.tf.login.verify(challengeId, right)).toMatchObject({ ok: true }),
    );
    expect(sent).toEqual(['cas', 'cas']);
    expect(await h.tf.login.verify(challengeId, right)).toMatchObject({ ok: false });
  });
});
