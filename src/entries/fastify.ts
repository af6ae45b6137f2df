export { type FastifyTwoFactor, type TwoFactorPluginOptions, twoFactorPlugin } from '../adapters/fastify.js';
export type { TwoFactorSessionAccess } from '../http/session.js';
export type { FastifySessionLike } from '../http/session-libraries.js';
