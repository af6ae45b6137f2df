import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import * as vitest from 'vitest';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/entries/sqlite.js';
import { storeContract } from '../../src/testing/store-contract.js';
import { sqliteScratch } from '../helpers/sqlite-files.js';

const { freshFile, closeLater } = sqliteScratch('sqlite');

function fileStore(filename = freshFile()): SqliteStore {
  const store = new SqliteStore({ filename });
  closeLater(() => store.close());
  store.createSchema();
  return store;
}

/** A second connection to the same file, for looking at what the store wrote. */
function inspect(filename: string): Database.Database {
  const db = new Database(filename, { readonly: true });
  closeLater(() => db.close());
  return db;
}

storeContract('sqlite', async () => fileStore(), { vitest });

describe('SqliteStore specifics', () => {
  const now = 1_800_000_000_000;

  it('creates a WAL file with the table, its expiry index and schema version 2', () => {
    const filename = freshFile();
    fileStore(filename);
    const db = inspect(filename);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const names = db
      .prepare(`SELECT name FROM sqlite_master WHERE name LIKE 'factorkit_records%' ORDER BY name`)
      .pluck()
      .all();
    expect(names).toEqual([
      'factorkit_records',
      'factorkit_records_expires_at_idx',
      'factorkit_records_meta',
    ]);
    expect(
      db.prepare(`SELECT value FROM factorkit_records_meta WHERE name = 'schema_version'`).pluck().get(),
    ).toBe('2');
  });

  it('sets busy_timeout and synchronous on the connection it is given', () => {
    const db = new Database(freshFile());
    closeLater(() => db.close());
    new SqliteStore({ database: db, busyTimeoutMs: 1234, synchronous: 'FULL' }).createSchema();
    expect(db.pragma('busy_timeout', { simple: true })).toBe(1234);
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    new SqliteStore({ database: db });
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
  });

  it('keeps tables apart and runs createSchema twice harmlessly', async () => {
    const filename = freshFile();
    const a = fileStore(filename);
    const b = new SqliteStore({ filename, table: 'other_records' });
    closeLater(() => b.close());
    b.createSchema();
    b.createSchema();
    await a.commit([{ type: 'put', key: 'k', fields: { v: 'a' }, expiresAt: null }], now);
    expect(await b.get('k', now)).toBeNull();
    expect((await a.get('k', now))?.fields).toEqual({ v: 'a' });
  });

  it('sweeps expired rows: the file holds only live rows, and its pages are reused', async () => {
    const filename = freshFile();
    const store = fileStore(filename);
    const db = inspect(filename);
    const count = () => db.prepare('SELECT count(*) FROM factorkit_records').pluck().get();
    const fill = async (from: number) => {
      for (let i = 0; i < 2000; i++) {
        const expiresAt = i % 4 === 0 ? null : now + 10;
        await store.commit(
          [{ type: 'put', key: `{u}:k${from + i}`, fields: { v: 'x'.repeat(100) }, expiresAt }],
          now,
        );
      }
    };
    await fill(0);
    expect(count()).toBe(2000);
    expect(await store.get('{u}:k1', now + 10)).toBeNull();
    expect(store.sweepExpired(now + 9)).toBe(0);
    expect(store.sweepExpired(now + 10)).toBe(1500);
    expect(count()).toBe(500);
    expect((await store.get('{u}:k0', now + 10))?.fields['v']).toHaveLength(100);
    const pagesAfterFirst = Number(db.pragma('page_count', { simple: true }));
    await fill(10_000);
    store.sweepExpired(now + 10);
    expect(count()).toBe(1000);
    // Freed pages are reused: the second batch grows the file by its 500 live rows, not by 2000.
    expect(Number(db.pragma('page_count', { simple: true }))).toBeLessThan(pagesAfterFirst * 1.6);
    expect(statSync(filename).size).toBeGreaterThan(0);
  });

  it('refuses bad options with CONFIG', () => {
    const bad = (options: object, field: string) =>
      expect(() => new SqliteStore(options as ConstructorParameters<typeof SqliteStore>[0])).toThrow(
        expect.objectContaining({ code: 'CONFIG', field }),
      );
    bad({ filename: freshFile(), table: 'x; drop table y' }, 'table');
    bad({ filename: freshFile(), synchronous: 'OFF' }, 'synchronous');
    bad({ filename: freshFile(), busyTimeoutMs: -1 }, 'busyTimeoutMs');
    bad({ database: {} }, 'database');
    bad({}, 'filename');
  });
});
