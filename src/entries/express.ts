export {
  type TwoFactorRouter,
  type TwoFactorRouterOptions,
  type TwoFactorSession,
  twoFactorRouter,
} from '../adapters/express.js';
