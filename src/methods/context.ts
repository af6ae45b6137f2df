import type { RaisedEvent } from '../core/events.js';
import type { Keyring } from '../core/keyring.js';
import type { TotpVerifier } from '../core/otp/totp-verifier.js';
import type { Policy } from '../core/policy/policy-schema.js';
import type { RandomSource } from '../core/random.js';
import type { AttemptLimiter } from '../services/attempt-limiter.js';
import type { SessionRegistry } from '../services/session-registry.js';
import type { TrustedDeviceStore } from '../services/trusted-device-store.js';
import type { Store } from '../store/store.js';
import type { BackupCodeVault } from './backup-codes/backup-code-vault.js';
import type { EmailCodeIssuer } from './email/email-code-issuer.js';
import type { MethodRegistry } from './registry.js';
import type { WebauthnSettings } from './webauthn/webauthn-json.js';

/** What methods and the use cases above them share: the dependency bag. Internal. */
export interface MethodContext {
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
  sessions: SessionRegistry;
  /** How security keys are asked for (facade option `webauthn`). */
  webauthn: WebauthnSettings;
  /** The methods, as the registry answers for them. */
  methods: MethodRegistry;
  emit: (event: RaisedEvent) => Promise<void>;
  /** The org policy: `fresh` reads the store; otherwise a copy at most `policyCacheMs` old. */
  policy(options?: { fresh?: boolean }): Promise<Policy>;
}
