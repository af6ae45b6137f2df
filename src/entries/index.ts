export { AttemptLimiter, type AttemptVerdict, lockMessage } from '../attempt-limiter.js';
export { type BackupCodeStorage, BackupCodeVault, type BackupCodeView } from '../backup-code-vault.js';
export { createTwoFactor, type TwoFactor, type TwoFactorOptions } from '../create-two-factor.js';
export {
  type CodeBinding,
  EmailCodeIssuer,
  type EmailCodeIssuerOptions,
  type SendLimits,
} from '../email-code-issuer.js';
export {
  ConfigError,
  FactorkitError,
  type FactorkitErrorCode,
  InvalidInputError,
  StoreUnavailableError,
} from '../errors.js';
export type { Actor, TwoFactorEvent, TwoFactorEventType } from '../events.js';
export type { AdminApi } from '../facade/admin.js';
export type { BackupCodesApi } from '../facade/backup-codes.js';
export type { AdminAction } from '../facade/context.js';
export type { DevicesApi } from '../facade/devices.js';
export type { EmailApi, SendResult } from '../facade/email-method.js';
export type { SetupResult } from '../facade/enable-method.js';
export type { LoginApi, LoginStart, SendEmailCodeResult, VerifyResult } from '../facade/login.js';
export type { TwoFactorStatus } from '../facade/status.js';
export type { TotpApi } from '../facade/totp-method.js';
export type { OtpAlgorithm } from '../hotp.js';
export { Keyring, type KeysInput } from '../keyring.js';
export { ConsoleMailer, type Mailer, type MailMessage, MemoryMailer } from '../mail/mailer.js';
export {
  type CodeMessageInput,
  type CodeMessageTemplate,
  type CodePurpose,
  defaultCodeMessage,
} from '../mail/templates.js';
export {
  type ChallengeMethod,
  DEFAULT_POLICY,
  decideLogin,
  type LoginDecision,
  type Policy,
  type PolicyInput,
  policySchema,
  type UserFactors,
} from '../policy.js';
export type { RandomSource } from '../random.js';
export type {
  AttemptSchedule,
  CommitResult,
  Fields,
  OpFailure,
  Store,
  StoredRecord,
  StoreOp,
} from '../store.js';
export { MemoryStore, type MemoryStoreOptions } from '../stores/memory.js';
export { type TotpOptions, TotpVerifier, type TotpVerifyResult } from '../totp-verifier.js';
export { deviceLabel, type TrustedDevice, TrustedDeviceStore } from '../trusted-device-store.js';
