import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const entries = fileURLToPath(new URL('./src/entries/', import.meta.url));

export default defineConfig({
  resolve: {
    // Examples import 'factorkit' as users do; tests run them against the sources.
    alias: [
      { find: /^factorkit$/, replacement: `${entries}index.ts` },
      { find: /^factorkit\/(.*)$/, replacement: `${entries}$1.ts` },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/services.ts'],
    // Every event the suite emits is checked against the documented audit schema.
    setupFiles: ['test/setup/audit-events.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
  },
});
