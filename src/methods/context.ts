import type { RaisedEvent } from '../core/events.js';
import type { Keyring } from '../core/keyring.js';
import type { Policy } from '../core/policy/policy-schema.js';
import type { RandomSource } from '../core/random.js';
import type { Mailer } from '../mail/mailer.js';
import type { AttemptLimiter } from '../services/attempt-limiter.js';
import type { SessionRegistry } from '../services/session-registry.js';
import type { TrustedDeviceStore } from '../services/trusted-device-store.js';
import type { Store } from '../store/store.js';
import type { MethodRegistry } from './method-registry.js';

/**
 * What methods and the use cases above them share: the dependency bag. A method's hooks get it
 * with the method's own services added (`MethodModule.services`: an email issuer, a TOTP
 * verifier). Internal.
 */
export interface MethodContext {
  issuer: string;
  store: Store;
  now: () => number;
  random: RandomSource;
  keyring: Keyring;
  /** The mail port, for the codes the methods send (security notices have their own). */
  mailer: Mailer;
  devices: TrustedDeviceStore;
  limiter: AttemptLimiter;
  sessions: SessionRegistry;
  /** The methods, as the registry answers for them. */
  methods: MethodRegistry;
  emit: (event: RaisedEvent) => Promise<void>;
  /**
   * The policy that applies: the user's org's (`userId`), an org's (`org`), or the platform's
   * (neither). `fresh` reads the store; otherwise a copy at most `policyCacheMs` old.
   */
  policy(options?: { fresh?: boolean; userId?: string; org?: string | null }): Promise<Policy>;
}
