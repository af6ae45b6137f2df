export { createTwoFactorHttp, type TwoFactorHttp } from '../http/create-http.js';
export {
  englishMessages,
  type Message,
  type MessageCatalogue,
  type MessageCode,
  type MessageData,
} from '../http/messages.js';
export type { RequestContextOptions } from '../http/request-context.js';
export { routes } from '../http/routes/index.js';
export type { SessionState, TwoFactorSessionAccess } from '../http/session.js';
export type {
  Guard,
  HttpAnswer,
  HttpRequest,
  Route,
  RouteContext,
  TwoFactorHttpOptions,
} from '../http/types.js';
