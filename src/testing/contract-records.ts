import type { ContractTools, StoreFactory } from './contract-tools.js';
import { T0 } from './contract-tools.js';

/** Each op on its own: effects, refusals, expiry against the caller clock. */
export function recordCases({ it, expect }: ContractTools, makeStore: StoreFactory): void {
  it('reads nothing from an empty store', async () => {
    const store = await makeStore();
    expect(await store.get('{u}:a', T0)).toBeNull();
    expect(await store.getMany(['{u}:a', '{u}:b'], T0)).toEqual([null, null]);
  });

  it('puts and reads records, with unicode and awkward values intact', async () => {
    const store = await makeStore();
    const fields = { a: 'ü🙂', b: '{"json":[1,2]}', 'c:x/y': "'; drop table --", empty: '' };
    expect((await store.commit([{ type: 'put', key: '{ü}:k', fields, expiresAt: null }], T0)).ok).toBe(true);
    expect(await store.get('{ü}:k', T0)).toEqual({ fields, expiresAt: null });
    const [one, two] = await store.getMany(['{ü}:k', '{ü}:missing'], T0);
    expect(one?.fields).toEqual(fields);
    expect(two).toBeNull();
  });

  it('getAcross (when the store has it) reads keys of many users, any slots, in order', async () => {
    const store = await makeStore();
    if (!store.getAcross) return;
    const keys = Array.from({ length: 300 }, (_, i) => `{user-${i}}:user`);
    // One commit per user: a commit stays within one user's keys.
    const written = keys.filter((_, i) => i % 3 === 0);
    await Promise.all(
      written.map((key) => store.commit([{ type: 'put', key, fields: { k: key }, expiresAt: null }], T0)),
    );
    const read = await store.getAcross([...keys, 'policy'], T0);
    expect(read).toHaveLength(301);
    read.slice(0, 300).forEach((record, i) => {
      expect(record?.fields['k'] ?? null).toBe(i % 3 === 0 ? keys[i] : null);
    });
    expect(read[300]).toBeNull();
    expect(await store.getAcross([], T0)).toEqual([]);
  });

  it('expires records at their expiry by the caller clock, to the millisecond', async () => {
    const store = await makeStore();
    await store.commit([{ type: 'put', key: '{u}:e', fields: { v: '1' }, expiresAt: T0 + 1000 }], T0);
    expect(await store.get('{u}:e', T0 + 999)).not.toBeNull();
    expect(await store.get('{u}:e', T0 + 1000)).toBeNull();
    expect(
      (await store.commit([{ type: 'insert', key: '{u}:e', fields: { v: '2' }, expiresAt: null }], T0 + 1000))
        .ok,
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
    // A minute, not less: Redis also expires the key natively, in real time.
    await store.commit([{ type: 'put', key: '{u}:other', fields: { x: '1' }, expiresAt: T0 + 60_000 }], T0);
    expect(await guarded(T0 + 1)).toMatchObject({ ok: false, index: 0, reason: 'exists' });
    expect((await store.get('{u}:mine', T0 + 1))?.fields).toEqual({ v: String(T0) });
    expect((await guarded(T0 + 60_000)).ok).toBe(true);
  });

  it('take deletes once, honouring match', async () => {
    const store = await makeStore();
    await store.commit(
      [{ type: 'put', key: '{u}:t', fields: { code: 'h1', x: 'y' }, expiresAt: T0 + 60_000 }],
      T0,
    );
    expect(await store.commit([{ type: 'take', key: '{u}:t', match: { code: 'other' } }], T0)).toMatchObject({
      ok: false,
      reason: 'mismatch',
    });
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
    ).toEqual({ ok: true, results: [null] });
    expect((await store.get('{u}:m', T0))?.fields).toEqual({ a: '1', b: '2' });
    expect((await store.get('{u}:m', T0))?.expiresAt).toBe(T0 + 5000);
    await store.commit([{ type: 'merge', key: '{u}:m', fields: {}, expiresAt: T0 + 8000 }], T0);
    expect((await store.get('{u}:m', T0))?.expiresAt).toBe(T0 + 8000);
  });

  it('merge advance only moves a counter forward, beside other fields', async () => {
    const store = await makeStore();
    const advance = (value: number) =>
      store.commit(
        [{ type: 'merge', key: '{u}:user', fields: {}, create: true, advance: { field: 'step', value } }],
        T0,
      );
    expect(await advance(100)).toEqual({ ok: true, results: [null] });
    expect(await advance(100)).toMatchObject({ ok: false, reason: 'stale', fields: { step: '100' } });
    expect(await advance(99)).toMatchObject({ ok: false, reason: 'stale' });
    await store.commit([{ type: 'merge', key: '{u}:user', fields: { secret: 's' } }], T0);
    expect((await advance(101)).ok).toBe(true);
    expect((await store.get('{u}:user', T0))?.fields).toEqual({ step: '101', secret: 's' });
    // A floor that is not a number never grows: refused, not overwritten.
    await store.commit([{ type: 'merge', key: '{u}:user', fields: { step: 'x' } }], T0);
    expect(await advance(10 ** 12)).toMatchObject({ ok: false, reason: 'stale' });
    // Timestamps (13 digits) compare as numbers, not as text.
    await store.commit([{ type: 'merge', key: '{u}:user', fields: { step: '999999999999' } }], T0);
    expect((await advance(T0)).ok).toBe(true);
    expect((await store.get('{u}:user', T0))?.fields['step']).toBe(String(T0));
  });

  it('merge unsets fields, and a record left with none is removed', async () => {
    const store = await makeStore();
    await store.commit(
      [{ type: 'put', key: '{u}:u', fields: { a: '1', b: '2', c: '3' }, expiresAt: null }],
      T0,
    );
    expect(
      await store.commit(
        [{ type: 'merge', key: '{u}:u', fields: { d: '4' }, match: { a: '1' }, unset: ['a', 'b', 'zz'] }],
        T0,
      ),
    ).toEqual({ ok: true, results: [null] });
    expect(await store.get('{u}:u', T0)).toEqual({ fields: { c: '3', d: '4' }, expiresAt: null });
    expect(await store.commit([{ type: 'merge', key: '{u}:u', fields: {}, unset: ['c', 'd'] }], T0)).toEqual({
      ok: true,
      results: [null],
    });
    expect(await store.get('{u}:u', T0)).toBeNull();
    // Creating with nothing to keep writes nothing.
    expect(
      (await store.commit([{ type: 'merge', key: '{u}:u', fields: {}, create: true, unset: ['c'] }], T0)).ok,
    ).toBe(true);
    expect(await store.get('{u}:u', T0)).toBeNull();
    // A put of no fields deletes; taking the last field removes the record.
    await store.commit([{ type: 'put', key: '{u}:p', fields: { x: '1' }, expiresAt: null }], T0);
    await store.commit([{ type: 'put', key: '{u}:p', fields: {}, expiresAt: null }], T0);
    expect(await store.get('{u}:p', T0)).toBeNull();
    await store.commit([{ type: 'put', key: '{u}:p', fields: { x: '1' }, expiresAt: null }], T0);
    expect((await store.commit([{ type: 'takeField', key: '{u}:p', field: 'x' }], T0)).ok).toBe(true);
    expect(await store.get('{u}:p', T0)).toBeNull();
  });

  it('merge with create checks match and absent against an empty record', async () => {
    const store = await makeStore();
    expect(
      await store.commit(
        [{ type: 'merge', key: '{u}:n', fields: { a: '1' }, create: true, match: { a: '0' } }],
        T0,
      ),
    ).toMatchObject({ ok: false, reason: 'mismatch', fields: null });
    expect(
      await store.commit(
        [{ type: 'merge', key: '{u}:n', fields: { a: '1' }, create: true, absent: ['a'] }],
        T0,
      ),
    ).toEqual({ ok: true, results: [null] });
    expect(
      await store.commit(
        [{ type: 'merge', key: '{u}:n', fields: { b: '1' }, create: true, absent: ['a'] }],
        T0,
      ),
    ).toMatchObject({ ok: false, reason: 'mismatch', fields: { a: '1' } });
  });

  it('absent with fields guards on those fields only', async () => {
    const store = await makeStore();
    const guard = () => store.commit([{ type: 'absent', key: '{u}:g', fields: ['on', 'also'] }], T0);
    expect((await guard()).ok).toBe(true);
    // A minute: Redis also expires the key natively, in real time, from the fake clock's distance.
    await store.commit([{ type: 'put', key: '{u}:g', fields: { other: '1' }, expiresAt: T0 + 60_000 }], T0);
    expect((await guard()).ok).toBe(true);
    await store.commit([{ type: 'merge', key: '{u}:g', fields: { also: '' } }], T0);
    expect(await guard()).toMatchObject({
      ok: false,
      index: 0,
      reason: 'exists',
      fields: { other: '1', also: '' },
    });
    expect(
      (await store.commit([{ type: 'absent', key: '{u}:g', fields: ['on', 'also'] }], T0 + 60_000)).ok,
    ).toBe(true);
  });
}
