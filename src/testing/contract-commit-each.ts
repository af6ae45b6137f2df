import type { StoreOp } from '../store/store.js';
import type { ContractTools, StoreFactory } from './contract-tools.js';
import { T0 } from './contract-tools.js';

/** The optional `commitEach` (bulk imports): each batch all or nothing, alone; skipped without it. */
export function commitEachCases({ it, expect }: ContractTools, makeStore: StoreFactory): void {
  it('commitEach (when the store has it) applies each batch all or nothing, and a refused one alone', async () => {
    const store = await makeStore();
    if (!store.commitEach) return;
    await store.commit([{ type: 'put', key: '{u-2}:user', fields: { totp: 'on' }, expiresAt: null }], T0);
    // Forty users over many cluster slots; users 2 and 7 are refused, by their first and last op.
    const batches = Array.from({ length: 40 }, (_, i): StoreOp[] => [
      { type: 'merge', key: `{u-${i}}:user`, fields: { n: String(i) }, create: true, absent: ['totp'] },
      { type: 'put', key: `{u-${i}}:codes`, fields: { c: String(i) }, expiresAt: null },
      { type: 'delete', key: `{u-${i}}:setup` },
      ...(i === 7 ? [{ type: 'take', key: '{u-7}:missing' } as const] : []),
    ]);
    const results = await store.commitEach(batches, T0);
    expect(results).toHaveLength(40);
    results.forEach((result, i) => {
      if (i === 2) expect(result).toMatchObject({ ok: false, index: 0, reason: 'mismatch' });
      else if (i === 7) expect(result).toMatchObject({ ok: false, index: 3, reason: 'missing' });
      else expect(result).toEqual({ ok: true, results: [null, null, null] });
    });
    const users = await Promise.all(batches.map((_, i) => store.get(`{u-${i}}:user`, T0)));
    const codes = await Promise.all(batches.map((_, i) => store.get(`{u-${i}}:codes`, T0)));
    users.forEach((user, i) => {
      if (i === 2) expect(user?.fields).toEqual({ totp: 'on' });
      else if (i === 7) expect(user).toBeNull();
      else expect(user?.fields).toEqual({ n: String(i) });
      expect(codes[i]?.fields ?? null).toEqual(i === 2 || i === 7 ? null : { c: String(i) });
    });
    expect(await store.commitEach([], T0)).toEqual([]);
  });

  it('commitEach (when the store has it) applies the batches in order: a batch sees the ones before it', async () => {
    const store = await makeStore();
    if (!store.commitEach) return;
    const insert: StoreOp[] = [{ type: 'insert', key: '{u}:once', fields: { v: '1' }, expiresAt: null }];
    const results = await store.commitEach([insert, [{ type: 'take', key: '{u}:once' }], insert, insert], T0);
    expect(results.map((result) => result.ok)).toEqual([true, true, true, false]);
    expect(results[1]).toEqual({ ok: true, results: [{ v: '1' }] });
    expect(results[3]).toMatchObject({ ok: false, index: 0, reason: 'exists' });
    expect((await store.get('{u}:once', T0))?.fields).toEqual({ v: '1' });
  });
}
