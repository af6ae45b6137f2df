import pg from 'pg';
import { afterAll, inject } from 'vitest';

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
