import { defineConfig } from 'vitest/config';

// The node:sqlite suite alone, on Node 22 (`.ci/run`): no services, no better-sqlite3.
export default defineConfig({
  test: { include: ['test/stores/sqlite-node.test.ts'], testTimeout: 30_000 },
});
