import type { AttemptSchedule } from '../store/store.js';
import type { ContractTools, StoreFactory } from './contract-tools.js';
import { schedule, T0 } from './contract-tools.js';

/** Commits: all or nothing, same-step reads, the one-touch rule, and attempt schedules. */
export function commitCases({ it, expect }: ContractTools, makeStore: StoreFactory): void {
  it('commits all or nothing', async () => {
    const store = await makeStore();
    const result = await store.commit(
      [
        { type: 'put', key: '{u}:p', fields: { v: '1' }, expiresAt: null },
        { type: 'delete', key: '{u}:nothing' },
        { type: 'take', key: '{u}:absent' },
      ],
      T0,
    );
    expect(result).toMatchObject({ ok: false, index: 2, reason: 'missing' });
    expect(await store.get('{u}:p', T0)).toBeNull();
  });

  it('reads keys in the same step, before the ops apply', async () => {
    const store = await makeStore();
    await store.commit([{ type: 'put', key: '{u}:r1', fields: { v: '1' }, expiresAt: T0 + 5000 }], T0);
    await store.commit([{ type: 'put', key: '{u}:gone', fields: { v: '1' }, expiresAt: T0 + 10 }], T0);
    const result = await store.commit([{ type: 'merge', key: '{u}:r1', fields: { v: '2' } }], T0 + 10, [
      '{u}:r1',
      '{u}:gone',
      '{u}:none',
    ]);
    expect(result).toEqual({
      ok: true,
      results: [null],
      read: [{ fields: { v: '1' }, expiresAt: T0 + 5000 }, null, null],
    });
    expect(await store.commit([], T0, ['{u}:r1'])).toMatchObject({
      ok: true,
      read: [{ fields: { v: '2' } }],
    });
    const refused = await store.commit([{ type: 'take', key: '{u}:none' }], T0, ['{u}:r1']);
    expect(refused).toMatchObject({ ok: false, index: 0, reason: 'missing' });
    const several = await store.commit(
      [
        { type: 'attempt', key: '{u}:c', schedule, mustExist: false },
        { type: 'merge', key: '{u}:s', fields: {}, create: true, advance: { field: 'step', value: 3 } },
      ],
      T0,
      ['{u}:s'],
    );
    expect(several).toMatchObject({ ok: true, read: [null] });
  });

  it('refuses a commit that touches a key twice', async () => {
    const store = await makeStore();
    await expect(
      store.commit(
        [
          { type: 'delete', key: '{u}:d' },
          { type: 'put', key: '{u}:d', fields: {}, expiresAt: null },
        ],
        T0,
      ),
    ).rejects.toThrow(/twice/);
  });

  it('attempt follows the schedule: counts, locks, extends, ends', async () => {
    const store = await makeStore();
    const key = '{u}:challenge';
    await store.commit(
      [
        {
          type: 'put',
          key,
          fields: { deadline: String(T0 + 900_000), attempts: '0', lockedUntil: '0' },
          expiresAt: T0 + 900_000,
        },
      ],
      T0,
    );
    const attempt = (at: number) => store.commit([{ type: 'attempt', key, schedule, mustExist: true }], at);
    expect(await attempt(T0)).toMatchObject({ ok: true, results: [{ attempts: '1', lockedUntil: '0' }] });
    expect(await attempt(T0)).toMatchObject({ ok: true, results: [{ attempts: '2' }] });
    expect(await attempt(T0)).toMatchObject({
      ok: true,
      results: [{ attempts: '3', lockedUntil: String(T0 + 300_000) }],
    });
    expect(await attempt(T0 + 299_999)).toMatchObject({
      ok: false,
      reason: 'locked',
      fields: { attempts: '3' },
    });
    // Fourth attempt at 14:00 locks until 19:00; the challenge stays open until 24:00.
    expect(await attempt(T0 + 840_000)).toMatchObject({
      ok: true,
      results: [{ attempts: '4', lockedUntil: String(T0 + 1_140_000) }],
    });
    expect(await attempt(T0 + 1_139_999)).toMatchObject({ ok: false, reason: 'locked' });
    expect(await attempt(T0 + 1_140_000)).toMatchObject({ ok: true, results: [{ attempts: '5' }] });
    expect(await attempt(T0 + 1_140_001)).toMatchObject({ ok: false, reason: 'ended' });
    expect(
      await store.commit([{ type: 'attempt', key: '{u}:none', schedule, mustExist: true }], T0),
    ).toMatchObject({ ok: false, reason: 'missing' });
  });

  it('attempt reports an expired deadline and an ended record', async () => {
    const store = await makeStore();
    await store.commit(
      [{ type: 'put', key: '{u}:c', fields: { deadline: String(T0 + 1000) }, expiresAt: T0 + 10_000 }],
      T0,
    );
    expect(
      await store.commit([{ type: 'attempt', key: '{u}:c', schedule, mustExist: true }], T0 + 1000),
    ).toMatchObject({ ok: false, reason: 'expired' });
    await store.commit([{ type: 'merge', key: '{u}:c', fields: { ended: '1' } }], T0);
    expect(
      await store.commit([{ type: 'attempt', key: '{u}:c', schedule, mustExist: true }], T0),
    ).toMatchObject({ ok: false, reason: 'ended' });
  });

  it('attempt creates a counter with a fixed or sliding window', async () => {
    const store = await makeStore();
    const fixed: AttemptSchedule = {
      maxAttempts: 2,
      freeAttempts: 0,
      lockMs: [60_000],
      ttlMs: 3_600_000,
      slide: false,
      afterLockMs: 0,
    };
    const take = (at: number) =>
      store.commit([{ type: 'attempt', key: '{u}:sends', schedule: fixed, mustExist: false }], at);
    expect((await take(T0)).ok).toBe(true);
    expect(await take(T0 + 59_999)).toMatchObject({
      ok: false,
      reason: 'locked',
      fields: { lockedUntil: String(T0 + 60_000) },
    });
    expect((await take(T0 + 60_000)).ok).toBe(true);
    expect(await take(T0 + 200_000)).toMatchObject({
      ok: false,
      reason: 'ended',
      expiresAt: T0 + 3_600_000,
    });
    expect((await take(T0 + 3_600_000)).ok).toBe(true);
  });

  it('attempt arms no lock during the free attempts, then the listed locks, the last one repeating', async () => {
    const store = await makeStore();
    const account: AttemptSchedule = {
      maxAttempts: null,
      freeAttempts: 2,
      lockMs: [1000, 2000],
      ttlMs: 86_400_000,
      slide: true,
      afterLockMs: 0,
    };
    const take = (at: number) =>
      store.commit([{ type: 'attempt', key: '{u}:acct', schedule: account, mustExist: false }], at);
    expect(await take(T0)).toMatchObject({ ok: true, results: [{ attempts: '1', lockedUntil: '0' }] });
    expect(await take(T0)).toMatchObject({ ok: true, results: [{ attempts: '2', lockedUntil: '0' }] });
    expect(await take(T0)).toMatchObject({
      ok: true,
      results: [{ attempts: '3', lockedUntil: String(T0 + 1000) }],
    });
    expect(await take(T0 + 1000)).toMatchObject({
      ok: true,
      results: [{ attempts: '4', lockedUntil: String(T0 + 3000) }],
    });
    expect(await take(T0 + 3000)).toMatchObject({
      ok: true,
      results: [{ attempts: '5', lockedUntil: String(T0 + 5000) }],
    });
    expect((await store.get('{u}:acct', T0 + 5000))?.expiresAt).toBe(T0 + 3000 + 86_400_000);
  });
}
