import { storeKeys } from '../store/keys.js';
import type { StoreOp } from '../store/store.js';
import type { ContractTools, StoreFactory } from './contract-tools.js';
import { T0 } from './contract-tools.js';

/** A policy save as the facade writes one: insert the first version, then compare-and-set on it. */
const save = (key: string, version: number, overrides: object): StoreOp => {
  const fields = { overrides: JSON.stringify(overrides), version: String(version), format: '2' };
  return version === 1
    ? { type: 'insert', key, fields, expiresAt: null }
    : { type: 'merge', key, fields, match: { version: String(version - 1) } };
};

/**
 * Policy records: the platform's (`policy`, written before organizations without `format`) and one
 * per org (`policy:org:<id>`), keys outside any user's tag, each saved by compare-and-set on its
 * version, read side by side at every login.
 */
export function policyCases({ it, expect }: ContractTools, makeStore: StoreFactory): void {
  it('keeps the platform policy and each org policy apart, saved by compare-and-set', async () => {
    const store = await makeStore();
    const platform = storeKeys.policy();
    const siteA = storeKeys.orgPolicy('site A {x}:ü');
    const siteB = storeKeys.orgPolicy('site-b');
    // The platform record as factorkit wrote it before organizations: no format field.
    const before = { overrides: '{"required":true}', version: '1' };
    await store.commit([{ type: 'insert', key: platform, fields: before, expiresAt: null }], T0);
    expect((await store.commit([save(siteA, 1, { frequency: 'every-login' })], T0)).ok).toBe(true);
    expect((await store.commit([save(siteB, 1, { frequency: { trustDays: 7 } })], T0)).ok).toBe(true);
    const [a, b, p] = await Promise.all([
      store.get(siteA, T0),
      store.get(siteB, T0),
      store.get(platform, T0),
    ]);
    expect(a?.fields['overrides']).toBe('{"frequency":"every-login"}');
    expect(b?.fields['overrides']).toBe('{"frequency":{"trustDays":7}}');
    expect(p).toEqual({ fields: before, expiresAt: null });
    // Two admins of one org saving from version 1: one wins, the other sees the mismatch.
    const results = await Promise.all([
      store.commit([save(siteA, 2, { required: true })], T0 + 1),
      store.commit([save(siteA, 2, { required: false })], T0 + 1),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toMatchObject({ ok: false, reason: 'mismatch' });
    expect((await store.get(siteA, T0 + 2))?.fields['version']).toBe('2');
    expect((await store.get(siteB, T0 + 2))?.fields['version']).toBe('1');
    // A second first save of an org is refused rather than overwriting it.
    expect(await store.commit([save(siteB, 1, {})], T0 + 3)).toMatchObject({ ok: false, reason: 'exists' });
  });
}
