import { FactorkitError } from '../../core/errors.js';

/** SQLSTATE classes that mean "the database cannot serve this now", not "the statement is wrong". */
const OUTAGE_CLASSES = new Set([
  '08', // connection exception
  '40', // transaction rollback: deadlock, serialization failure
  '53', // insufficient resources: disk full, out of memory, too many connections
  '55', // object not in prerequisite state: lock not available
  '57', // operator intervention: shutdown, statement timeout
  '58', // system error: I/O
]);

/**
 * What a failed PostgreSQL call means. No SQLSTATE (a refused or dropped connection, a pool that
 * could not connect) and the outage classes: `unavailable`. A missing table or function: `CONFIG`
 * (run `createSchema`). Any other SQL error is a bug in the statement (`BUG`).
 */
export function classifyPostgresFailure(error: unknown): 'unavailable' | FactorkitError {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return 'unavailable';
  if (OUTAGE_CLASSES.has(code.slice(0, 2))) return 'unavailable';
  const message = (error as Error).message;
  if (code === '42P01' || code === '42883')
    return new FactorkitError(
      'CONFIG',
      `[postgres] the schema is missing (${message}): run store.createSchema() or sql/schema.sql`,
      { cause: error },
    );
  return new FactorkitError('BUG', `[postgres] ${code}: ${message}`, { cause: error });
}
