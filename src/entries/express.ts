export { type TwoFactorRouter, type TwoFactorRouterOptions, twoFactorRouter } from '../adapters/express.js';
export type { TwoFactorSessionAccess } from '../http/session.js';
export type { ExpressSessionLike } from '../http/session-libraries.js';
