import type { CoreEventType, TwoFactorEvent as EventOf } from '../core/events.js';
import { adminCodeModule } from './admin-code/admin-code-module.js';
import { backupCodesModule } from './backup-codes/backup-codes-module.js';
import { emailModule } from './email/email-module.js';
import type {
  AdminActionOf,
  AdminCallsOf,
  ApisOf,
  ChallengeExtrasOf,
  CodeIdOf,
  EventsOf,
  FactorIdOf,
  HttpOptionsOf,
  IdOf,
  LoginCallsOf,
  MessageCodesOf,
  OfferedIdOf,
  OptionsOf,
  ProofIdOf,
  ResponseProofOf,
  StatusOf,
} from './method-types.js';
import { phoneModule } from './phone/phone-module.js';
import { totpModule } from './totp/totp-module.js';
import { webauthnModule } from './webauthn/webauthn-module.js';

/**
 * Every method factorkit ships, in the order the login page offers them and a typed code is tried.
 * A method is a folder under `src/methods/` and one line here (docs/architecture.md, "A new method");
 * a host adds its own with `createTwoFactor({ methods })`. This list is read by the layers above
 * and by the types below; no module imports it.
 */
export const methodModules = [
  webauthnModule,
  totpModule,
  emailModule,
  phoneModule,
  adminCodeModule,
  backupCodesModule,
] as const;

type Builtins = typeof methodModules;
/** Every method id. */
export type MethodId = IdOf<Builtins>;
/** The methods that turn 2FA on (`disable` takes one of these). */
export type FactorId = FactorIdOf<Builtins>;
/** The methods a challenge lists. */
export type ChallengeMethod = OfferedIdOf<Builtins>;
/** The methods a typed code can prove. */
export type CodeMethod = CodeIdOf<Builtins>;
/** The methods that can end a challenge: a typed code's, or a response's of their own (a security key's). */
export type ProofMethod = ProofIdOf<Builtins>;
/** The facade namespaces the methods add (`totp`, `email`, `backupCodes`, `webauthn`). */
export type MethodApis = ApisOf<Builtins>;
/** What `status` reports: `enabled` (any factor is on) and each method's part. */
export type TwoFactorStatus = StatusOf<Builtins>;
/** The calls the methods add to `tf.login` (`sendEmailCode`, `webauthnOptions`). */
export type MethodLoginCalls = LoginCallsOf<Builtins>;
/** The calls the methods add to `tf.admin` (`issueBackupCode`). */
export type MethodAdminCalls = AdminCallsOf<Builtins>;
/** The admin actions of the methods' admin calls. */
export type MethodAdminAction = AdminActionOf<Builtins>;
/** The facade options the methods read (`mailer`, `emailTemplate`, `totp`, `webauthn`). */
export type MethodOptions = OptionsOf<Builtins>;
/** The adapter options the methods read (`webauthn`). */
export type MethodHttpOptions = HttpOptionsOf<Builtins>;
/** The message codes the methods' routes answer with. */
export type MethodMessageCode = MessageCodesOf<Builtins>;
/** A proof of a method's own (`{ method: 'webauthn', response }`). */
export type ResponseProof = ResponseProofOf<Builtins>;
/** What the methods add to `login.start`'s challenge answer (`webauthnOptions`). */
export type ChallengeExtras = ChallengeExtrasOf<Builtins>;
/** Every event `onEvent` receives: the facade's own and the methods'. */
export type TwoFactorEventType = CoreEventType | EventsOf<Builtins>;
/** An event `onEvent` receives. */
export type TwoFactorEvent = EventOf<TwoFactorEventType>;
