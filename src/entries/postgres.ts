export { PostgresStore, type PostgresStoreOptions } from '../stores/postgres.js';
