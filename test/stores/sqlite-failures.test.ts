import { writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { FactorkitError } from '../../src/core/errors.js';
import { SqliteStore } from '../../src/entries/sqlite.js';
import type { StoreOp } from '../../src/store/store.js';
import { sqliteScratch } from '../helpers/sqlite-files.js';

const { freshFile, closeLater } = sqliteScratch('sqlite-failures');
const now = 1_800_000_000_000;
const put = (key: string): StoreOp => ({ type: 'put', key, fields: { v: key }, expiresAt: null });

function open(filename: string, options: { busyTimeoutMs?: number } = {}): SqliteStore {
  const store = new SqliteStore({ filename, ...options });
  closeLater(() => store.close());
  return store;
}

function setVersion(filename: string, version: string): void {
  const db = new Database(filename);
  db.prepare(`UPDATE factorkit_records_meta SET value = ? WHERE name = 'schema_version'`).run(version);
  db.close();
}

describe('SqliteStore schema versions', () => {
  it('refuses a table of a newer schema version with CONFIG, saying what to do', async () => {
    const filename = freshFile();
    open(filename).createSchema();
    setVersion(filename, '3');
    expect(() => open(filename).createSchema()).toThrow(
      expect.objectContaining({
        code: 'CONFIG',
        message: expect.stringMatching(/newer factorkit; upgrade factorkit/),
      }),
    );
    await expect(open(filename).get('k', now)).rejects.toMatchObject({
      code: 'CONFIG',
      message: expect.stringMatching(
        /^\[factorkit\] \[sqlite\] table factorkit_records has schema version 3, this factorkit expects 2/,
      ),
    });
    await expect(open(filename).commit([put('k')], now)).rejects.toMatchObject({ code: 'CONFIG' });
  });

  it('refuses an older schema version until createSchema() migrates it', async () => {
    const filename = freshFile();
    open(filename).createSchema();
    setVersion(filename, '1');
    await expect(open(filename).get('k', now)).rejects.toMatchObject({
      code: 'CONFIG',
      message: expect.stringContaining(
        'has schema version 1, this factorkit expects 2: run store.createSchema() once to migrate it',
      ),
    });
    expect(open(filename).createSchema()).toEqual({ migratedUsers: 0 });
    expect(await open(filename).get('k', now)).toBeNull();
  });

  it('asks for createSchema() when the table is missing', async () => {
    await expect(open(freshFile()).get('k', now)).rejects.toMatchObject({
      code: 'CONFIG',
      message: expect.stringContaining('call store.createSchema() first'),
    });
  });
});

describe('SqliteStore failures', () => {
  it('a write lock held past busyTimeoutMs fails closed with STORE_UNAVAILABLE, writing nothing', async () => {
    const filename = freshFile();
    const store = open(filename, { busyTimeoutMs: 200 });
    store.createSchema();
    const other = new Database(filename);
    closeLater(() => other.close());
    other.exec('BEGIN IMMEDIATE');
    const started = Date.now();
    await expect(store.commit([put('a')], now)).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
      message: expect.stringMatching(/^\[factorkit\] \[sqlite\] commit failed: database is locked/),
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(Date.now() - started).toBeLessThan(2000);
    // Readers are not blocked by the writer (WAL).
    expect(await store.get('a', now)).toBeNull();
    other.exec('ROLLBACK');
    expect((await store.commit([put('b')], now)).ok).toBe(true);
    expect(await store.get('a', now)).toBeNull();
  });

  it('a closed database and a file that is not a database fail closed with STORE_UNAVAILABLE', async () => {
    const store = open(freshFile());
    store.createSchema();
    store.close();
    await expect(store.commit([put('a')], now)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await expect(store.getMany(['a'], now)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    const garbage = freshFile();
    writeFileSync(garbage, 'this is not an SQLite file, it is a text file of some length '.repeat(100));
    expect(() => open(garbage)).toThrow(
      expect.objectContaining({
        code: 'STORE_UNAVAILABLE',
        message: '[factorkit] [sqlite] open failed: file is not a database',
      }),
    );
  });

  it('a read-only file fails writes closed', async () => {
    const filename = freshFile();
    open(filename).createSchema();
    const db = new Database(filename, { readonly: true });
    closeLater(() => db.close());
    const store = new SqliteStore({ database: db });
    expect(await store.get('a', now)).toBeNull();
    await expect(store.commit([put('a')], now)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });

  it('a programming error is thrown as it is, not as STORE_UNAVAILABLE, and rolls back', async () => {
    const store = open(freshFile());
    store.createSchema();
    const bogus = { type: 'bogus', key: 'b' } as unknown as StoreOp;
    const error = await store.commit([put('a'), bogus], now).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(error).not.toBeInstanceOf(FactorkitError);
    await expect(store.commit([put('x'), put('x')], now)).rejects.toThrow(/twice/);
    // The transaction was rolled back and the connection left usable.
    expect(await store.get('a', now)).toBeNull();
    expect(await store.commit([put('a')], now)).toEqual({ ok: true, results: [null] });
    expect((await store.get('a', now))?.fields).toEqual({ v: 'a' });
  });
});
