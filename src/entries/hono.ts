export { type TwoFactorApp, type TwoFactorAppOptions, twoFactorApp } from '../adapters/hono.js';
export type { TwoFactorSessionAccess } from '../http/session.js';
