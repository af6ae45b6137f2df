// The facade.

export type { AdminApi } from '../app/admin.js';
export type { AdminAction } from '../app/context.js';
export { createTwoFactor, type TwoFactor, type TwoFactorOptions } from '../app/create-two-factor.js';
export type { DevicesApi } from '../app/devices.js';
export type {
  KeyIdUsage,
  KeyInventory,
  KeysApi,
  RekeyOptions,
  RekeyResult,
} from '../app/keys/keys-api.js';
export type { LoginApi } from '../app/login/login-api.js';
export type { LoginStart, StartOptions } from '../app/login/start.js';
export type { VerifyOptions } from '../app/login/verify.js';
export type { VerifyResult } from '../app/login/verify-outcomes.js';
export type { WebauthnOptionsResult } from '../app/login/webauthn-options.js';
export type { NotifyOptions } from '../app/notices/notifier.js';
export type { PolicyApi } from '../app/policy-api.js';
export type { SessionCheck, SessionsApi } from '../app/sessions-api.js';
// Errors and events.
export {
  ConfigError,
  FactorkitError,
  type FactorkitErrorCode,
  InvalidInputError,
  StoreUnavailableError,
} from '../core/errors.js';
export {
  type Actor,
  EVENT_SCHEMA_VERSION,
  type EventOutcome,
  eventChannelName,
  type TwoFactorEvent,
  type TwoFactorEventType,
} from '../core/events.js';
export { Keyring, type KeysInput } from '../core/keyring.js';
export { keysFromEnv } from '../core/keys-from-env.js';
export type { OtpAlgorithm } from '../core/otp/hotp.js';
// The pure services, for hosts that compose their own flow.
export { type TotpOptions, TotpVerifier, type TotpVerifyResult } from '../core/otp/totp-verifier.js';
// The policy engine (pure).
export { decideLogin, type LoginDecision } from '../core/policy/decide-login.js';
export { DEFAULT_POLICY, type Policy, type PolicyInput, policySchema } from '../core/policy/policy-schema.js';
export type { RandomSource } from '../core/random.js';
export { type RequestInfo, withRequest } from '../core/request-scope.js';
// Mail.
export { ConsoleMailer } from '../mail/console-mailer.js';
export type { Mailer, MailMessage } from '../mail/mailer.js';
export { MemoryMailer } from '../mail/memory-mailer.js';
export {
  englishNotices,
  type Notice,
  type NoticeCatalogue,
  type NoticeKind,
  type NoticeMessage,
  noticeKinds,
} from '../mail/notice-messages.js';
export {
  type CodeMessageInput,
  type CodeMessageTemplate,
  type CodePurpose,
  defaultCodeMessage,
} from '../mail/templates.js';
export {
  type BackupCodeStorage,
  BackupCodeVault,
  type BackupCodeView,
} from '../methods/backup-codes/backup-code-vault.js';
export type { BackupCodesApi } from '../methods/backup-codes/backup-codes-api.js';
export {
  type CodeBinding,
  EmailCodeIssuer,
  type EmailCodeIssuerOptions,
  type SendLimits,
} from '../methods/email/email-code-issuer.js';
export type { SendCodeResult } from '../methods/email/email-delivery.js';
export type { EmailApi } from '../methods/email/email-setup.js';
export type { SetupResult } from '../methods/enable.js';
export type { TwoFactorStatus } from '../methods/method-module.js';
export type {
  ChallengeMethod,
  CodeMethod,
  FactorId,
  MethodApis,
  MethodId,
  ProofMethod,
} from '../methods/registry.js';
export type { TotpApi } from '../methods/totp/totp-setup.js';
export type { WebauthnApi } from '../methods/webauthn/webauthn-api.js';
export type { SecurityKey } from '../methods/webauthn/webauthn-credentials.js';
export type {
  WebauthnAssertionResponse,
  WebauthnCreationOptions,
  WebauthnCredentialDescriptor,
  WebauthnRegistrationResponse,
  WebauthnRequestOptions,
  WebauthnSettings,
  WebauthnTransport,
} from '../methods/webauthn/webauthn-json.js';
export type { KeyChangeResult } from '../methods/webauthn/webauthn-keys.js';
export type {
  RegistrationResult,
  RegistrationSite,
  RegistrationStart,
} from '../methods/webauthn/webauthn-registration.js';
export {
  AttemptLimiter,
  type AttemptVerdict,
  lockMessage,
  STEP_UP_FAILURES,
  type StepUpBudget,
} from '../services/attempt-limiter.js';
export { SessionRegistry, type SessionWait, sessionTtlMs } from '../services/session-registry.js';
export {
  deviceLabel,
  MAX_TRUSTED_BROWSERS,
  type TrustedDevice,
  TrustedDeviceStore,
} from '../services/trusted-device-store.js';
export { type CommitPlan, planCommit } from '../store/apply-ops.js';
// The store contract (for custom stores) and the embedded store.
export type {
  AttemptSchedule,
  CommitResult,
  Fields,
  OpFailure,
  ScanPage,
  Store,
  StoredRecord,
  StoreOp,
} from '../store/store.js';
export { MemoryStore, type MemoryStoreOptions } from '../stores/memory/memory-store.js';
// Telemetry (docs/operations.md).
export { instruments } from '../telemetry/instruments.js';
export type { OpenTelemetryApi } from '../telemetry/opentelemetry.js';
