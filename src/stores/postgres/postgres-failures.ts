import { FactorkitError } from '../../core/errors.js';
import { RETRY_SQLSTATE } from './postgres-commit-sql.js';

/** SQLSTATE classes that mean "the database cannot serve this now", not "the statement is wrong". */
const OUTAGE_CLASSES = new Set([
  '08', // connection exception
  '40', // transaction rollback: deadlock, serialization failure
  '53', // insufficient resources: disk full, out of memory, too many connections
  '55', // object not in prerequisite state: lock not available
  '57', // operator intervention: shutdown, statement timeout
  '58', // system error: I/O
]);

/** The SQLSTATE of an error the server answered with, or null (no answer: a connection failure). */
export function sqlState(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : null;
}

/**
 * What a failed PostgreSQL call means. No SQLSTATE (a refused or dropped connection, a pool that
 * could not connect), the outage classes, and a commit still meeting concurrent creates after its
 * retries: `unavailable`. A database or role the server does not know, a wrong password, a missing
 * table or function: `CONFIG` (fix the settings, run `createSchema`). Any other SQL error is a bug in
 * the statement (`BUG`).
 */
export function classifyPostgresFailure(error: unknown): 'unavailable' | FactorkitError {
  const code = sqlState(error);
  if (code === null || code === RETRY_SQLSTATE || OUTAGE_CLASSES.has(code.slice(0, 2))) return 'unavailable';
  const message = (error as Error).message;
  // Refused at connection: the settings name a database or a role the server does not have.
  if (code === '3D000' || code === '28000' || code === '28P01')
    return new FactorkitError(
      'CONFIG',
      `[postgres] the server refused the connection settings (${code}: ${message}): check the database name, user and password the pool connects with`,
      { cause: error },
    );
  if (code === '42P01' || code === '42883')
    return new FactorkitError(
      'CONFIG',
      `[postgres] the schema is missing (${message}): run \`await store.createSchema()\` (or the SQL of \`store.schemaSql()\`)`,
      { cause: error },
    );
  return new FactorkitError('BUG', `[postgres] ${code}: ${message}`, { cause: error });
}
