import { describe, expect, it } from 'vitest';
import type { AttemptSchedule, Store } from '../../src/store/store.js';

/** Makes a fresh, empty store for one test. */
export type StoreFactory = () => Promise<Store>;

const T0 = 1_800_000_000_000;
const schedule: AttemptSchedule = {
  maxAttempts: 5,
  freeAttempts: 0,
  lockMs: [0, 0, 300_000, 300_000, 0],
  ttlMs: 900_000,
  slide: false,
  afterLockMs: 300_000,
};

/**
 * The store contract: every store must pass this suite (semantics, expiry against the caller's
 * clock, all-or-nothing commits and concurrency). Run it with `contractSuite('name', factory)`.
 */
export function contractSuite(name: string, makeStore: StoreFactory, options: { skip?: boolean } = {}): void {
  describe.skipIf(options.skip === true)(`store contract: ${name}`, () => {
    it('reads nothing from an empty store', async () => {
      const store = await makeStore();
      expect(await store.get('{u}:a', T0)).toBeNull();
      expect(await store.getMany(['{u}:a', '{u}:b'], T0)).toEqual([null, null]);
    });

    it('puts and reads records, with unicode and awkward values intact', async () => {
      const store = await makeStore();
      const fields = { a: 'ü🙂', b: '{"json":[1,2]}', 'c:x/y': "'; drop table --", empty: '' };
      expect((await store.commit([{ type: 'put', key: '{ü}:k', fields, expiresAt: null }], T0)).ok).toBe(
        true,
      );
      expect(await store.get('{ü}:k', T0)).toEqual({ fields, expiresAt: null });
      const [one, two] = await store.getMany(['{ü}:k', '{ü}:missing'], T0);
      expect(one?.fields).toEqual(fields);
      expect(two).toBeNull();
    });

    it('expires records at their expiry by the caller clock, to the millisecond', async () => {
      const store = await makeStore();
      await store.commit([{ type: 'put', key: '{u}:e', fields: { v: '1' }, expiresAt: T0 + 1000 }], T0);
      expect(await store.get('{u}:e', T0 + 999)).not.toBeNull();
      expect(await store.get('{u}:e', T0 + 1000)).toBeNull();
      expect(
        (
          await store.commit(
            [{ type: 'insert', key: '{u}:e', fields: { v: '2' }, expiresAt: null }],
            T0 + 1000,
          )
        ).ok,
      ).toBe(true);
      expect((await store.get('{u}:e', T0 + 5000))?.fields).toEqual({ v: '2' });
    });

    it('insert refuses a live record', async () => {
      const store = await makeStore();
      await store.commit([{ type: 'insert', key: '{u}:i', fields: { v: '1' }, expiresAt: null }], T0);
      const again = await store.commit(
        [{ type: 'insert', key: '{u}:i', fields: { v: '2' }, expiresAt: null }],
        T0,
      );
      expect(again).toMatchObject({ ok: false, index: 0, reason: 'exists' });
      expect((await store.get('{u}:i', T0))?.fields).toEqual({ v: '1' });
    });

    it('absent guards a commit on a key having no live record', async () => {
      const store = await makeStore();
      const guarded = (at: number) =>
        store.commit(
          [
            { type: 'absent', key: '{u}:other' },
            { type: 'put', key: '{u}:mine', fields: { v: String(at) }, expiresAt: null },
          ],
          at,
        );
      expect((await guarded(T0)).ok).toBe(true);
      await store.commit([{ type: 'put', key: '{u}:other', fields: { x: '1' }, expiresAt: T0 + 100 }], T0);
      expect(await guarded(T0 + 1)).toMatchObject({ ok: false, index: 0, reason: 'exists' });
      expect((await store.get('{u}:mine', T0 + 1))?.fields).toEqual({ v: String(T0) });
      expect((await guarded(T0 + 100)).ok).toBe(true);
    });

    it('take deletes once, honouring match', async () => {
      const store = await makeStore();
      await store.commit(
        [{ type: 'put', key: '{u}:t', fields: { code: 'h1', x: 'y' }, expiresAt: T0 + 60_000 }],
        T0,
      );
      expect(
        await store.commit([{ type: 'take', key: '{u}:t', match: { code: 'other' } }], T0),
      ).toMatchObject({ ok: false, reason: 'mismatch' });
      expect(await store.commit([{ type: 'take', key: '{u}:t', match: { code: 'h1' } }], T0)).toEqual({
        ok: true,
        results: [{ code: 'h1', x: 'y' }],
      });
      expect(await store.commit([{ type: 'take', key: '{u}:t' }], T0)).toMatchObject({
        ok: false,
        reason: 'missing',
      });
      expect(await store.get('{u}:t', T0)).toBeNull();
    });

    it('takeField removes one field and keeps the rest and the expiry', async () => {
      const store = await makeStore();
      await store.commit(
        [{ type: 'put', key: '{u}:s', fields: { 'c:1': 'a', 'c:2': 'b', total: '2' }, expiresAt: T0 + 9000 }],
        T0,
      );
      expect(await store.commit([{ type: 'takeField', key: '{u}:s', field: 'c:1' }], T0)).toEqual({
        ok: true,
        results: [{ 'c:1': 'a' }],
      });
      expect(await store.commit([{ type: 'takeField', key: '{u}:s', field: 'c:1' }], T0)).toMatchObject({
        ok: false,
        reason: 'missing',
      });
      expect(await store.get('{u}:s', T0)).toEqual({
        fields: { 'c:2': 'b', total: '2' },
        expiresAt: T0 + 9000,
      });
    });

    it('merge creates, conditions on match and absent, and only ever extends the expiry', async () => {
      const store = await makeStore();
      expect(await store.commit([{ type: 'merge', key: '{u}:m', fields: { a: '1' } }], T0)).toMatchObject({
        ok: false,
        reason: 'missing',
      });
      expect(
        (
          await store.commit(
            [{ type: 'merge', key: '{u}:m', fields: { a: '1' }, create: true, expiresAt: T0 + 5000 }],
            T0,
          )
        ).ok,
      ).toBe(true);
      expect(
        await store.commit([{ type: 'merge', key: '{u}:m', fields: { b: '2' }, match: { a: 'x' } }], T0),
      ).toMatchObject({ ok: false, reason: 'mismatch' });
      expect(
        await store.commit([{ type: 'merge', key: '{u}:m', fields: { b: '2' }, absent: ['a'] }], T0),
      ).toMatchObject({ ok: false, reason: 'mismatch' });
      expect(
        await store.commit(
          [
            {
              type: 'merge',
              key: '{u}:m',
              fields: { b: '2' },
              match: { a: '1' },
              absent: ['z'],
              expiresAt: T0 + 1000,
            },
          ],
          T0,
        ),
      ).toEqual({
        ok: true,
        results: [{ a: '1', b: '2' }],
      });
      expect((await store.get('{u}:m', T0))?.expiresAt).toBe(T0 + 5000);
      await store.commit([{ type: 'merge', key: '{u}:m', fields: {}, expiresAt: T0 + 8000 }], T0);
      expect((await store.get('{u}:m', T0))?.expiresAt).toBe(T0 + 8000);
    });

    it('advance only moves a counter forward', async () => {
      const store = await makeStore();
      const advance = (value: number) =>
        store.commit([{ type: 'advance', key: '{u}:step', field: 'step', value, expiresAt: null }], T0);
      expect((await advance(100)).ok).toBe(true);
      expect(await advance(100)).toMatchObject({ ok: false, reason: 'stale' });
      expect(await advance(99)).toMatchObject({ ok: false, reason: 'stale' });
      expect((await advance(101)).ok).toBe(true);
      expect((await store.get('{u}:step', T0))?.fields).toEqual({ step: '101' });
    });

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
        results: [{ v: '2' }],
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
          { type: 'advance', key: '{u}:s', field: 'step', value: 3, expiresAt: null },
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

    it('50 concurrent takes of one record: exactly one wins', async () => {
      const store = await makeStore();
      await store.commit([{ type: 'put', key: '{u}:once', fields: { code: 'h' }, expiresAt: null }], T0);
      const results = await Promise.all(
        Array.from({ length: 50 }, () =>
          store.commit([{ type: 'take', key: '{u}:once', match: { code: 'h' } }], T0),
        ),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(1);
    });

    it('50 concurrent takeField, advance and merge-once: exactly one wins each', async () => {
      const store = await makeStore();
      await store.commit(
        [{ type: 'put', key: '{u}:codes', fields: { 'c:1': '1', 'c:2': '1' }, expiresAt: null }],
        T0,
      );
      await store.commit([{ type: 'put', key: '{u}:ch', fields: { attempts: '0' }, expiresAt: null }], T0);
      const [fields, steps, ends] = await Promise.all([
        Promise.all(
          Array.from({ length: 50 }, () =>
            store.commit([{ type: 'takeField', key: '{u}:codes', field: 'c:1' }], T0),
          ),
        ),
        Promise.all(
          Array.from({ length: 50 }, () =>
            store.commit([{ type: 'advance', key: '{u}:st', field: 'step', value: 7, expiresAt: null }], T0),
          ),
        ),
        Promise.all(
          Array.from({ length: 50 }, () =>
            store.commit([{ type: 'merge', key: '{u}:ch', fields: { ended: '1' }, absent: ['ended'] }], T0),
          ),
        ),
      ]);
      expect(fields.filter((r) => r.ok)).toHaveLength(1);
      expect(steps.filter((r) => r.ok)).toHaveLength(1);
      expect(ends.filter((r) => r.ok)).toHaveLength(1);
      expect((await store.get('{u}:codes', T0))?.fields).toEqual({ 'c:2': '1' });
    });

    it('100 concurrent attempts take no more than the schedule allows', async () => {
      const store = await makeStore();
      await store.commit(
        [{ type: 'put', key: '{u}:c', fields: { attempts: '0', lockedUntil: '0' }, expiresAt: T0 + 900_000 }],
        T0,
      );
      const results = await Promise.all(
        Array.from({ length: 100 }, () =>
          store.commit(
            [
              { type: 'attempt', key: '{u}:c', schedule, mustExist: true },
              {
                type: 'attempt',
                key: '{u}:acct',
                schedule: { ...schedule, maxAttempts: null, lockMs: [] },
                mustExist: false,
              },
            ],
            T0,
          ),
        ),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(3);
      expect((await store.get('{u}:acct', T0))?.fields['attempts']).toBe('3');
    });
  });
}
