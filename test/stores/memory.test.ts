import * as vitest from 'vitest';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { storeContract } from '../../src/testing/store-contract.js';

storeContract('memory', async () => new MemoryStore(), { vitest });

describe('MemoryStore sweeping', () => {
  it('sweeps expired records so memory stays bounded', async () => {
    const store = new MemoryStore();
    for (let i = 0; i < 1000; i++) {
      await store.commit(
        [{ type: 'put', key: `{u}:k${i}`, fields: { v: '1' }, expiresAt: i * 10 + 5 }],
        i * 10,
      );
    }
    // Each commit adds one record and looks at eight: the expired ones never pile up.
    expect(store.size).toBeLessThanOrEqual(20);
  });
});
