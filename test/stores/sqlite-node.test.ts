import { createRequire } from 'node:module';
import fc from 'fast-check';
import * as vitest from 'vitest';
import type { SqliteDatabase } from '../../src/entries/sqlite.js';
import { SqliteStore } from '../../src/entries/sqlite.js';
import { storeContract } from '../../src/testing/store-contract.js';
import { storeDifferential } from '../../src/testing/store-differential.js';
import { sqliteScratch } from '../helpers/sqlite-files.js';

/**
 * SqliteStore over Node's own `node:sqlite` (Node 22.5+, no native module): the contract and the
 * differential test. No better-sqlite3 here, so the file also runs on a Node whose ABI the checkout's
 * better-sqlite3 was not built for (`.ci/run` runs it on Node 22). On a Node without node:sqlite it
 * is skipped with a notice, unless FACTORKIT_REQUIRE_NODE_SQLITE=1, which makes that a failure.
 */
function loadNodeSqlite(): { DatabaseSync: new (path: string) => SqliteDatabase & { close(): void } } | null {
  try {
    return createRequire(import.meta.url)('node:sqlite');
  } catch (error) {
    if (process.env['FACTORKIT_REQUIRE_NODE_SQLITE'] === '1') throw error;
    console.warn(
      `[factorkit tests] node:sqlite is not available on Node ${process.version}: its suites are SKIPPED`,
    );
    return null;
  }
}
const nodeSqlite = loadNodeSqlite();

const { freshFile, closeLater } = sqliteScratch('node-sqlite');

async function nodeSqliteStore(): Promise<SqliteStore> {
  const db = new nodeSqlite!.DatabaseSync(freshFile());
  closeLater(() => db.close());
  const store = new SqliteStore({ database: db });
  store.createSchema();
  return store;
}

const skip = nodeSqlite === null;
storeContract('sqlite (node:sqlite)', nodeSqliteStore, { vitest, skip });
storeDifferential('sqlite (node:sqlite)', nodeSqliteStore, {
  vitest,
  fc,
  runs: Number(process.env['FACTORKIT_PROPERTY_RUNS'] ?? 100),
  skip,
});
