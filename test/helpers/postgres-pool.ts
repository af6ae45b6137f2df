import pg from 'pg';
import { afterAll, inject, vi } from 'vitest';

/**
 * The test PostgreSQL server's port (null when the server is not installed) and a pool on it,
 * ended after the file's tests. Call at the top of a test file.
 */
export function testPostgresPool(max: number): { port: number | null; pool: pg.Pool } {
  const port = inject('postgresPort');
  const pool = new pg.Pool({
    host: '127.0.0.1',
    port: port ?? 0,
    user: 'postgres',
    database: 'postgres',
    max,
  });
  afterAll(() => pool.end());
  return { port, pool };
}

/**
 * The store statements `run` sends on any `pg` client, by kind: a compare-and-set (`cas`,
 * postgres-cas.ts) or the commit function (`function`); every other statement is left out.
 */
export async function storeStatementsOf(run: () => Promise<unknown>): Promise<string[]> {
  const spy = vi.spyOn(pg.Client.prototype, 'query');
  try {
    await run();
    return spy.mock.calls
      .map(([config]) => String((config as { text?: unknown } | null)?.text ?? ''))
      .map((text) =>
        text.startsWith('WITH locked') ? 'cas' : text.includes('_commit"(') ? 'function' : 'other',
      )
      .filter((kind) => kind !== 'other');
  } finally {
    spy.mockRestore();
  }
}
