/**
 * SQLite commit latency in WAL mode, synchronous=NORMAL (the default) against FULL, on a file in the
 * temp folder. `npx tsx bench/sqlite-durability.ts` (or import `benchSqliteDurability`). Bounded:
 * a fixed number of commits per row.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AttemptSchedule, StoreOp } from '../src/entries/index.js';
import { SqliteStore } from '../src/entries/sqlite.js';
import { measureAsync, table } from './harness.js';

const COMMITS = 2000;
const NOW = Date.UTC(2026, 0, 1, 12);
const unlimited: AttemptSchedule = {
  maxAttempts: null,
  freeAttempts: 0,
  lockMs: [],
  ttlMs: 3_600_000,
  slide: false,
  afterLockMs: 0,
};

/** Two commit shapes: one record written, and a failed verify's (two attempts and three keys read). */
const SHAPES: Array<{ name: string; commit: (i: number) => { ops: StoreOp[]; read?: string[] } }> = [
  {
    name: '1 put',
    commit: (i) => ({
      ops: [{ type: 'put', key: `{u${i}}:k`, fields: { v: 'x'.repeat(200) }, expiresAt: null }],
    }),
  },
  {
    name: '2 attempts + read 3',
    commit: (i) => ({
      ops: [
        { type: 'attempt', key: `{u${i % 100}}:challenge`, schedule: unlimited, mustExist: false },
        { type: 'attempt', key: `{u${i % 100}}:attempts`, schedule: unlimited, mustExist: false },
      ],
      read: [`{u${i % 100}}:totp`, `{u${i % 100}}:email`, `{u${i % 100}}:backup`],
    }),
  },
];

export async function benchSqliteDurability(): Promise<void> {
  console.log(
    `## SQLite commit latency, WAL mode, one process, ${COMMITS} commits per row (file in ${tmpdir()})\n`,
  );
  const rows: Array<Array<string | number>> = [];
  for (const synchronous of ['NORMAL', 'FULL'] as const) {
    for (const shape of SHAPES) {
      const dir = mkdtempSync(join(tmpdir(), 'factorkit-durability-'));
      const store = new SqliteStore({ filename: join(dir, 'bench.sqlite'), synchronous });
      try {
        store.createSchema();
        const result = await measureAsync(
          async (i) => {
            const { ops, read } = shape.commit(i);
            if (!(await store.commit(ops, NOW, read)).ok) throw new Error('commit refused');
          },
          { total: COMMITS, concurrency: 1 },
        );
        rows.push([synchronous, shape.name, result.opsPerSecond, result.p50, result.p99]);
      } finally {
        store.close();
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  table(['synchronous', 'commit', 'commits/s', 'p50 ms', 'p99 ms'], rows);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchSqliteDurability();
