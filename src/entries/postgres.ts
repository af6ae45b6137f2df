export { PostgresStore, type PostgresStoreOptions } from '../stores/postgres/postgres-store.js';
