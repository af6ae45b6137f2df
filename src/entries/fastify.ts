export {
  type FastifySessionLike,
  type FastifyTwoFactor,
  type TwoFactorPluginOptions,
  twoFactorPlugin,
} from '../adapters/fastify.js';
export type { TwoFactorSessionAccess } from '../http/session.js';
