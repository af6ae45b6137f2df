import type { TwoFactorEventType } from '../core/events.js';
import type { KeyUse } from '../store/key-use.js';
import type { Fields, StoredRecord, StoreOp } from '../store/store.js';
import type { MethodContext } from './context.js';
import type { WebauthnAssertionResponse } from './webauthn/webauthn-json.js';

/**
 * A user's records as a login reads them: `user` (the `{tag}:user` record, where every method keeps
 * its fields) and the methods' own records by the names they give them (`backupCodes`).
 */
export type UserRecords = Readonly<Record<string, StoredRecord | null>>;

/** A field of the user's `{tag}:user` record (own fields only), or undefined. */
export function userField(user: UserRecords, name: string): string | undefined {
  const fields = user['user']?.fields;
  return fields && Object.hasOwn(fields, name) ? fields[name] : undefined;
}

/** What a login step proves the second factor with: a typed code, or a security key's response. */
export type Proof = { code: string } | { response: WebauthnAssertionResponse };

/** One attempt on a challenge, with what evaluating it may use. */
interface ChallengeAttempt {
  userId: string;
  /** The challenge's nonce: email codes are bound to it. */
  nonce: string;
  purpose: 'login' | 'step-up';
  now: number;
  /** The challenge record's fields after this attempt was counted. */
  challenge: Fields;
  user: UserRecords;
}

/** A code typed in the login step. */
export interface CodeAttempt extends ChallengeAttempt {
  code: string;
}

/** A security key's assertion in the login step (validated JSON). */
export interface ResponseAttempt extends ChallengeAttempt {
  response: WebauthnAssertionResponse;
}

/** What a method adds to a challenge it is offered in: fields of the record, extras of the answer. */
export interface ChallengeAddition {
  fields: Fields;
  /** Merged into `login.start`'s challenge answer (WebAuthn: `webauthnOptions`, the request options). */
  extras: Record<string, unknown>;
}

/** What a method found in a code: the ops that consume it, committed with the challenge's end. */
/** The events a proof's module may ask for, all with `userId` and no detail. */
export type ProofEventType = Extract<TwoFactorEventType, 'backup-code.used' | 'code.replayed'>;

export type CodeMatch<Id extends string = string> =
  | {
      kind: 'match';
      method: Id;
      ops: StoreOp[];
      challengeMatch?: Fields;
      /** Reported when the proof ends the challenge. */
      usedEvent?: ProofEventType;
      /** Reported when its ops lost to a concurrent use of the same proof. */
      raceLostEvent?: ProofEventType;
    }
  /** A TOTP code for a step already used: refused, and reported as a replay. */
  | { kind: 'replayed' }
  /** A security key whose signature counter went back (a cloned authenticator): refused, and reported. */
  | { kind: 'counter-regressed'; credentialId: string };

/** What `status` reports; each method adds its part. */
export interface TwoFactorStatus {
  /** Whether any factor (a method that turns 2FA on) is on. */
  enabled: boolean;
  /** The authenticator app is linked. */
  totp: boolean;
  /** The enabled address, masked (`a***@example.com`), or null. */
  email: string | null;
  backupCodesRemaining: number;
  /** Security keys and passkeys registered. */
  securityKeys: number;
}

/**
 * One way to prove the second factor, as a module: what it stores, when it counts as on, how it
 * matches a typed code, what turning it off or resetting the user removes, and what it adds to the
 * facade. The facade, the login step, `status`, the policy and the HTTP layer ask the registry
 * (`src/methods/registry.ts`) instead of naming methods: adding one is a folder and a registry line.
 */
export interface MethodModule {
  readonly id: string;
  /**
   * `factor`: turning it on turns 2FA on (an app, an email address). `recovery`: used instead of a
   * factor, only while one is on (backup codes, an admin-issued code).
   */
  readonly role: 'factor' | 'recovery';
  /** Listed among a challenge's methods (an admin-issued code is accepted but never offered). */
  readonly offered: boolean;
  /** The fields it keeps in the user's `{tag}:user` record (turning it off or a reset removes them). */
  readonly userFields: readonly string[];
  /** For factors: the field of `{tag}:user` whose presence means "on". */
  readonly enabledField?: string;
  /** Records of its own read at login and for `status` besides `{tag}:user`, by name. */
  readonly records: Readonly<Record<string, (userId: string) => string>>;
  /**
   * Whether evaluating `proof` may need its own records (backup codes: only codes of their shape;
   * security keys: only responses). Without it, a login always reads them.
   */
  readsFor?(ctx: MethodContext, proof: Proof): boolean;
  /** Every record of its own it keeps for a user (an admin reset removes them all). */
  keys(userId: string): string[];
  /** Keys of a setup in progress: removed whenever the set of methods changes. */
  pendingKeys(userId: string): string[];
  /** Whether this user can use it now (a factor that is on; codes left). */
  usable(ctx: MethodContext, user: UserRecords): boolean;
  /**
   * Evaluates a typed code: a match, a replay, or null (not this method's code). Synchronous for
   * keyed hashes and HMACs; a promise only where the check is slow by design (imported bcrypt codes).
   */
  matchCode?(ctx: MethodContext, attempt: CodeAttempt): CodeMatch | null | Promise<CodeMatch | null>;
  /** Evaluates a security key's response: a match, a refusal to report, or null (not verified). */
  matchResponse?(ctx: MethodContext, attempt: ResponseAttempt): Promise<CodeMatch | null>;
  /** What it adds to a challenge that offers it (WebAuthn: a ceremony challenge and request options). */
  challenge?(
    ctx: MethodContext,
    userId: string,
    user: UserRecords,
    now: number,
  ): Promise<ChallengeAddition | null>;
  /** Its part of `status` (the registry sets `enabled`). */
  status?(ctx: MethodContext, user: UserRecords): Partial<TwoFactorStatus>;
  /** What it keeps under the application keys, for `tf.keys` (usage and rekey). */
  readonly keyUses?: readonly KeyUse[];
  /** The facade namespace it adds (`tf.totp`), if any. */
  readonly api?: { readonly name: string; create(ctx: MethodContext): object };
}

/** Declares a module, keeping its literal `id`, `role`, `offered` and `api` types for the registry. */
export function defineMethod<const M extends MethodModule>(module: M): M {
  return module;
}
