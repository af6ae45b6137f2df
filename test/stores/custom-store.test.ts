import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import * as vitest from 'vitest';
import { MapStore } from '../../examples/custom-store/map-store.js';
import { storeContract } from '../../src/testing/store-contract.js';
import { storeDifferential } from '../../src/testing/store-differential.js';

// The custom store docs/stores.md shows, proving itself with factorkit/testing.
storeContract('custom MapStore (docs/stores.md)', async () => new MapStore(), { vitest });
storeDifferential('custom MapStore (docs/stores.md)', async () => new MapStore(), { vitest, fc });

vitest.it('docs/stores.md shows exactly the store this suite runs', () => {
  const docs = readFileSync(new URL('../../docs/stores.md', import.meta.url), 'utf8');
  const store = readFileSync(new URL('../../examples/custom-store/map-store.ts', import.meta.url), 'utf8');
  vitest.expect(docs).toContain(store.trim());
});
