export { RedisStore, type RedisStoreOptions } from '../stores/redis/redis-store.js';
