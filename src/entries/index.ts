// The facade.

export type { AdminApi } from '../app/admin.js';
export type { Overview } from '../app/admin-overview.js';
export type { AdminAction, AuthorizeAnswer } from '../app/context.js';
export { createTwoFactor, type TwoFactor, type TwoFactorOptions } from '../app/create-two-factor.js';
export type { DevicesApi } from '../app/devices.js';
export { methodApi } from '../app/facade-methods.js';
export type {
  KeyIdUsage,
  KeyInventory,
  KeysApi,
  RekeyOptions,
  RekeyResult,
} from '../app/keys/keys-api.js';
export type { LoginApi } from '../app/login/login-api.js';
export type { LoginStart, StartOptions } from '../app/login/start.js';
export type { LoginProof, VerifyOptions } from '../app/login/verify.js';
export type { VerifyResult } from '../app/login/verify-outcomes.js';
export type { NotifyOptions } from '../app/notices/notifier.js';
export type { OrgOf, RolesOf } from '../app/orgs.js';
export type { PolicyApi, PolicyScope } from '../app/policy-api.js';
export type { SessionCheck, SessionsApi } from '../app/sessions-api.js';
export type { UserStatus } from '../app/status-many.js';
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
export { parseInput, userIdSchema } from '../core/validation.js';
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
// A method of one's own: the module contract, and the steps the built-in methods are made of.
export {
  type CodeChannel,
  matchChallengeCode,
  type SentCodeResult,
  sendChallengeCode,
} from '../methods/code-channel.js';
export { beginCodeSetup, confirmCodeSetup } from '../methods/code-channel-setup.js';
export type { MethodContext } from '../methods/context.js';
export { EmailCodeIssuer, type EmailCodeIssuerOptions } from '../methods/email/email-code-issuer.js';
export type { EmailLogin } from '../methods/email/email-login.js';
export type { EmailApi, SendCodeResult } from '../methods/email/email-setup.js';
export type { SetupResult } from '../methods/enable.js';
export { commitEnable, type EnableWrite } from '../methods/enable.js';
export type {
  Message,
  MessageData,
  MethodAnswer,
  MethodRoute,
  MethodRouteContext,
  RouteAnswers,
  RouteResponse,
} from '../methods/method-http.js';
export { defineMethod, type MethodModule } from '../methods/method-module.js';
export type { FirstFactorIssue, MethodRegistry, UserReads } from '../methods/method-registry.js';
export * from '../methods/phone/index.js';
export type {
  ChallengeAddition,
  ChallengeAttempt,
  CodeAttempt,
  CodeMatch,
  MethodDemand,
  Proof,
  ResponseAttempt,
} from '../methods/proof.js';
export type {
  ChallengeExtras,
  ChallengeMethod,
  CodeMethod,
  FactorId,
  MethodAdminAction,
  MethodAdminCalls,
  MethodApis,
  MethodId,
  MethodLoginCalls,
  MethodOptions,
  ProofMethod,
  ResponseProof,
  TwoFactorEvent,
  TwoFactorEventType,
  TwoFactorStatus,
} from '../methods/registry.js';
export { codeBody, confirmRoute, errorBody, sendResult, setupResult } from '../methods/route-bodies.js';
export {
  type CodeBinding,
  type CodeFieldNames,
  type SendLimits,
  type SendPurpose,
  SentCodes,
  type SentCodesOptions,
} from '../methods/sent-codes.js';
export { setupVerdict } from '../methods/setup-verdict.js';
export type { TotpApi } from '../methods/totp/totp-setup.js';
export { type UserRecords, userField } from '../methods/user-records.js';
export type { CoreLogin, VerifyResultOf } from '../methods/verify-result.js';
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
export type { WebauthnLogin, WebauthnOptionsResult } from '../methods/webauthn/webauthn-options.js';
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
export { userRecordKey } from '../store/keys.js';
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
