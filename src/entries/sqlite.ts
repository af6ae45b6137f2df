export type { SqliteDatabase, SqliteStatement } from '../stores/sqlite/sqlite-database.js';
export type { SqliteStoreOptions } from '../stores/sqlite/sqlite-options.js';
export { SqliteStore } from '../stores/sqlite/sqlite-store.js';
