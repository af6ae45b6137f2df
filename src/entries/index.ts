export type { AdminApi } from '../app/admin.js';
export type { BackupCodesApi } from '../app/backup-codes.js';
export type { AdminAction } from '../app/context.js';
export { createTwoFactor, type TwoFactor, type TwoFactorOptions } from '../app/create-two-factor.js';
export type { DevicesApi } from '../app/devices.js';
export type { EmailApi, SendResult } from '../app/email-setup.js';
export type { SetupResult } from '../app/enable-method.js';
export type { LoginApi, LoginStart, SendEmailCodeResult, VerifyResult } from '../app/login/login-api.js';
export type { TwoFactorStatus } from '../app/status.js';
export type { TotpApi } from '../app/totp-setup.js';
export {
  ConfigError,
  FactorkitError,
  type FactorkitErrorCode,
  InvalidInputError,
  StoreUnavailableError,
} from '../core/errors.js';
export type { Actor, TwoFactorEvent, TwoFactorEventType } from '../core/events.js';
export { Keyring, type KeysInput } from '../core/keyring.js';
export type { OtpAlgorithm } from '../core/otp/hotp.js';
export { type TotpOptions, TotpVerifier, type TotpVerifyResult } from '../core/otp/totp-verifier.js';
export {
  type ChallengeMethod,
  DEFAULT_POLICY,
  decideLogin,
  type LoginDecision,
  type Policy,
  type PolicyInput,
  policySchema,
  type UserFactors,
} from '../core/policy.js';
export type { RandomSource } from '../core/random.js';
export { ConsoleMailer } from '../mail/console-mailer.js';
export type { Mailer, MailMessage } from '../mail/mailer.js';
export { MemoryMailer } from '../mail/memory-mailer.js';
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
export {
  type CodeBinding,
  EmailCodeIssuer,
  type EmailCodeIssuerOptions,
  type SendLimits,
} from '../methods/email/email-code-issuer.js';
export { AttemptLimiter, type AttemptVerdict, lockMessage } from '../services/attempt-limiter.js';
export { deviceLabel, type TrustedDevice, TrustedDeviceStore } from '../services/trusted-device-store.js';
export type {
  AttemptSchedule,
  CommitResult,
  Fields,
  OpFailure,
  Store,
  StoredRecord,
  StoreOp,
} from '../store/store.js';
export { MemoryStore, type MemoryStoreOptions } from '../stores/memory/memory-store.js';
