export {
  type ExpressSessionLike,
  type TwoFactorRouter,
  type TwoFactorRouterOptions,
  twoFactorRouter,
} from '../adapters/express.js';
export type { TwoFactorSessionAccess } from '../http/session.js';
