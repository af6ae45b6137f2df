import type { Actor, TwoFactorEvent } from '../core/events.js';
import type { Keyring } from '../core/keyring.js';
import type { TotpVerifier } from '../core/otp/totp-verifier.js';
import type { Policy, PolicyInput } from '../core/policy.js';
import type { RandomSource } from '../core/random.js';
import type { BackupCodeVault } from '../methods/backup-codes/backup-code-vault.js';
import type { EmailCodeIssuer } from '../methods/email/email-code-issuer.js';
import type { AttemptLimiter } from '../services/attempt-limiter.js';
import type { TrustedDeviceStore } from '../services/trusted-device-store.js';
import type { Store } from '../store/store.js';

/** The admin actions `authorize` decides. */
export type AdminAction = 'issue-backup-code' | 'reset-2fa';

/** Everything the facade's parts share. Internal. */
export interface Context {
  issuer: string;
  store: Store;
  now: () => number;
  random: RandomSource;
  keyring: Keyring;
  totp: TotpVerifier;
  emailCodes: EmailCodeIssuer;
  vault: BackupCodeVault;
  devices: TrustedDeviceStore;
  limiter: AttemptLimiter;
  emit: (event: Omit<TwoFactorEvent, 'at'>) => Promise<void>;
  authorize: (actor: Actor, action: AdminAction, targetUserId: string) => boolean | Promise<boolean>;
  /** The org policy: `fresh` reads the store; otherwise a copy at most `policyCacheMs` old. */
  policy(options?: { fresh?: boolean }): Promise<Policy>;
  /** Stores a new policy over the current one. */
  setPolicy(input: PolicyInput): Promise<Policy>;
}
