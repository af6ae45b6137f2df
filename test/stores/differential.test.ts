import fc from 'fast-check';
import * as vitest from 'vitest';
import { storeDifferential } from '../../src/testing/store-differential.js';
import { storesUnderTest } from '../helpers/stores.js';

// Every store against the reference semantics, on random histories (FACTORKIT_PROPERTY_RUNS for more).
const runs = Number(process.env['FACTORKIT_PROPERTY_RUNS'] ?? 100);
for (const { name, make, skip } of storesUnderTest()) {
  storeDifferential(name, make, { vitest, fc, runs, skip });
}
