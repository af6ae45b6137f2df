import type { z } from 'zod';
import type { EventName } from '../core/events.js';
import type { Policy } from '../core/policy/policy-schema.js';
import type { KeyUse } from '../store/key-use.js';
import type { MethodContext } from './context.js';
import type { MethodHttp } from './method-http.js';
import type { FirstFactorIssue } from './method-registry.js';
import type { ChallengeAddition, CodeAttempt, CodeMatch, Proof, ResponseAttempt } from './proof.js';
import type { UserRecords } from './user-records.js';
import type { CoreLogin } from './verify-result.js';

/**
 * One way to prove the second factor, as a module: what it stores, when it counts as on, how it
 * matches a proof, what turning it off or resetting the user removes, and everything it adds above
 * itself (its facade options and namespace, its login and admin calls, its part of `status`, its
 * HTTP routes and messages, its events). The facade, the login step, `status` and the HTTP layer ask
 * the registry built from these modules instead of naming methods: a method is one folder and one
 * line in `src/methods/registry.ts` (or, for a host's own method, `createTwoFactor({ methods })`).
 *
 * Each hook gets the shared context with the module's own {@link MethodModule.services} added.
 */
export interface MethodModule {
  /** The method's id (`login.verify`'s `method`, `disable`'s argument, a challenge's `methods`). */
  readonly id: string;
  /**
   * `factor`: turning it on turns 2FA on (an app, an email address). `recovery`: used instead of a
   * factor, only while one is on (backup codes, an admin-issued code).
   */
  readonly role: 'factor' | 'recovery';
  /** Listed among a challenge's methods (an admin-issued code is accepted but never offered). */
  readonly offered: boolean;
  /**
   * Bound to the site's origin, so a phishing page cannot relay it (security keys). A challenge
   * that demands phishing resistance offers and accepts only such methods.
   */
  readonly phishingResistant?: boolean;
  /** The fields it keeps in the user's `{tag}:user` record (turning it off or a reset removes them). */
  readonly userFields: readonly string[];
  /** For factors: the field of `{tag}:user` whose presence means "on". */
  readonly enabledField?: string;
  /** Records of its own read at login and for `status` besides `{tag}:user`, by name. */
  readonly records: Readonly<Record<string, (userId: string) => string>>;
  /** Every record of its own it keeps for a user (an admin reset removes them all). */
  keys(userId: string): string[];
  /** Keys of a setup in progress: removed whenever the set of methods changes. */
  pendingKeys(userId: string): string[];
  /**
   * The facade options it reads (`createTwoFactor({ totp })`), as zod schemas by option name,
   * validated with the others (`CONFIG` naming the option).
   */
  readonly options?: Readonly<Record<string, z.ZodType>>;
  /** Its own services, built once per facade from the shared context and its parsed options. */
  services?(ctx: MethodContext, options: Readonly<Record<string, unknown>>): object;
  /**
   * Whether the host turned it on (default: always). Off, it is never offered nor accepted, has no
   * part in `status`, and its routes answer 404; a user who had it keeps it as a factor that is on.
   */
  available?(ctx: MethodContext): boolean;
  /**
   * Whether evaluating `proof` may need its own records (backup codes: only codes of their shape;
   * security keys: only their responses). Without it, a login always reads them.
   */
  readsFor?(ctx: MethodContext, proof: Proof): boolean;
  /** Whether this user has it now (a factor that is on; codes left). */
  usable(ctx: MethodContext, user: UserRecords): boolean;
  /**
   * Evaluates a typed code: a match, a replay, or null (not this method's code). Synchronous for
   * keyed hashes and HMACs; a promise only where the check is slow by design (imported bcrypt codes).
   */
  matchCode?(ctx: MethodContext, attempt: CodeAttempt): CodeMatch | null | Promise<CodeMatch | null>;
  /** The schema of its own proof's `response` (`login.verify(id, { method, response })`). */
  readonly response?: z.ZodType;
  /** Evaluates its own response (validated by `response`): a match, a refusal to report, or null. */
  matchResponse?(ctx: MethodContext, attempt: ResponseAttempt): Promise<CodeMatch | null>;
  /** What it adds to a challenge that offers it (WebAuthn: a ceremony challenge and request options). */
  challenge?(
    ctx: MethodContext,
    userId: string,
    user: UserRecords,
    now: number,
  ): Promise<ChallengeAddition<object> | null>;
  /** Its part of `status` (`factorOn`: whether any factor of the user is on). */
  status?(ctx: MethodContext, user: UserRecords, factorOn: boolean): object;
  /** For recovery methods: what it issues with a user's first factor (ten backup codes). */
  issueWithFirstFactor?(ctx: MethodContext, userId: string, policy: Policy): FirstFactorIssue;
  /** What it keeps under the application keys, for `tf.keys` (usage and rekey). */
  readonly keyUses?: readonly KeyUse[];
  /**
   * The facade namespace it adds (`tf.totp`), if any. `inSession`: its setup confirms bound to the
   * session they come from, for its routes (`ctx.inSession`, never public), instrumented as the
   * facade's calls of the same names: a confirm's session check and the session's change then ride
   * in its own commits (`takeSetupAttempt`, `enableInSession`).
   */
  readonly api?: {
    readonly name: string;
    create(ctx: MethodContext): object;
    inSession?(ctx: MethodContext): object;
  };
  /** Calls it adds to `tf.login` (`sendEmailCode`); `core` is the facade's own (`verify`). */
  readonly login?: { create(ctx: MethodContext, core: CoreLogin): object };
  /**
   * Calls it adds to `tf.admin`, each `(actor, userId, ...)` and authorized by the host's
   * `authorize(actor, action, userId)` before it runs (`issueBackupCode`: `issue-backup-code`).
   */
  readonly admin?: {
    readonly actions: Readonly<Record<string, string>>;
    /** The calls, by name: each `(actor: Actor, userId: string) => Promise<...>`. */
    create(ctx: MethodContext): object;
  };
  /** The events it raises besides the facade's own (`totp.enabled`); `TwoFactorEventType` lists them. */
  readonly events?: readonly EventName[];
  /**
   * How the security notices speak of it: its name in a sentence ("a security key"), and which of
   * its events add it to an account or remove it (default: `<id>.enabled` and `<id>.disabled`). A
   * factor's `<id>.disabled` also tells "2FA is off" when it was the last factor.
   */
  readonly notices?: {
    readonly name: string;
    readonly added?: readonly EventName[];
    readonly removed?: readonly EventName[];
  };
  /** Its HTTP routes, adapter option and messages. */
  readonly http?: MethodHttp;
}

/**
 * Declares a method module, keeping its literal types (`id`, `role`, `api`, `events`, ...) so that
 * the facade's types (`MethodId`, `TwoFactorStatus`, `tf.<api>`) are built from it.
 *
 * @example
 * export const pinModule = defineMethod({ id: 'pin', role: 'factor', offered: true, ... });
 * const tf = createTwoFactor({ ...options, methods: [pinModule] });
 */
export function defineMethod<const M extends MethodModule>(module: M): M {
  return module;
}
