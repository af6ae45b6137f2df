export { RedisStore, type RedisStoreOptions } from '../stores/redis.js';
