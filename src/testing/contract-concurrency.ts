import type { ContractTools, StoreFactory } from './contract-tools.js';
import { schedule, T0 } from './contract-tools.js';

/** Concurrency: single use and attempt limits hold under concurrent commits. */
export function concurrencyCases({ it, expect }: ContractTools, makeStore: StoreFactory): void {
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
          store.commit(
            [
              {
                type: 'merge',
                key: '{u}:st',
                fields: {},
                create: true,
                advance: { field: 'step', value: 7 },
              },
            ],
            T0,
          ),
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

  it('50 concurrent first writes to a missing record all count: none is lost', async () => {
    const store = await makeStore();
    const counting = { ...schedule, maxAttempts: null, lockMs: [] };
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        store.commit(
          [
            { type: 'attempt', key: '{u}:new-acct', schedule: counting, mustExist: false },
            { type: 'merge', key: '{u}:new-set', fields: { [`f${i}`]: '1' }, create: true },
          ],
          T0,
        ),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(50);
    expect((await store.get('{u}:new-acct', T0))?.fields['attempts']).toBe('50');
    expect(Object.keys((await store.get('{u}:new-set', T0))?.fields ?? {})).toHaveLength(50);
  });
}
