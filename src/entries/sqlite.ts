export { SqliteStore } from '../stores/sqlite.js';
export type { SqliteDatabase, SqliteStatement } from '../stores/sqlite-database.js';
export type { SqliteStoreOptions } from '../stores/sqlite-options.js';
