import type { RaisedEvent } from '../core/events.js';
import type { Policy } from '../core/policy/policy-schema.js';
import type { KeyUse } from '../store/key-use.js';
import type { StoredRecord, StoreOp } from '../store/store.js';
import type { ChallengeAddition, ChallengeAttempt, CodeMatch, MethodDemand, Proof } from './proof.js';
import type { UserRecords } from './user-records.js';
import type { CoreLogin } from './verify-result.js';

/** The keys a read of a user's methods takes, and how to name what comes back. */
export interface UserReads {
  /** `{tag}:user` first, then the methods' own records, in a fixed order (one round trip). */
  keys: string[];
  /** The records read for {@link UserReads.keys}, by name (`user`, `backupCodes`). */
  records(read: ReadonlyArray<StoredRecord | null>): UserRecords;
}

/** What the recovery methods issue with a user's first factor (backup codes), committed with it. */
export interface FirstFactorIssue {
  ops: StoreOp[];
  /** Merged into the setup's result (`backupCodes`). */
  result: Record<string, unknown>;
  /** Emitted once the step is committed. */
  events: RaisedEvent[];
}

/**
 * What the facade, the login step, `status` and the methods themselves ask about methods, instead
 * of naming them. Built from the registered modules (`src/methods/create-registry.ts`); the modules
 * never import it, they reach it through their context (`ctx.methods`).
 */
export interface MethodRegistry {
  /** The ids of the factors (the methods that turn 2FA on), in order. */
  readonly factorIds: readonly string[];
  /** Whether method `id` is registered and the host turned it on (a method off unless enabled). */
  available(id: string): boolean;
  /**
   * What to read for a user: `{tag}:user` and every method's own records, or, given the proof a
   * login is checking, only the records it may need (backup codes only for a code of their shape,
   * security keys only for a key's response).
   */
  reads(userId: string, proof?: Proof): UserReads;
  /** Reads every record of a user's methods in one round trip. */
  loadUser(userId: string): Promise<UserRecords>;
  /** The factors that are on (enrolled, whether or not the host still offers the method). */
  enabledFactors(user: UserRecords): string[];
  /**
   * What a challenge offers: the factors that are on, the host offers and `demand` admits, and the
   * recovery methods usable with them.
   */
  offered(user: UserRecords, demand: MethodDemand): string[];
  /**
   * A proof as `login.verify` takes it (`{ code }`, or `{ method, response }` for a method with a
   * response of its own), validated by that method.
   * @throws {FactorkitError} `INVALID_INPUT` naming the field at fault.
   */
  parseProof(input: unknown): Proof;
  /**
   * Tries a proof on the methods that take it, in order: the first match, a refusal to report, or
   * null; at once when every method tried answers at once (a typed code, most often).
   */
  match(
    attempt: ChallengeAttempt,
    proof: Proof,
    demand: MethodDemand,
  ): CodeMatch | null | Promise<CodeMatch | null>;
  /** What the offered methods add to a new challenge (fields of its record, extras of the answer). */
  challengeAdditions(
    userId: string,
    user: UserRecords,
    methods: readonly string[],
    now: number,
  ): Promise<ChallengeAddition>;
  /** Deletes of the pending setups of every factor but `except`. */
  pendingDeletes(userId: string, except?: string): StoreOp[];
  /** The `{tag}:user` fields whose presence means a factor is on, for every factor but `except`. */
  factorFields(except?: string): string[];
  /** What every method keeps under the application keys (`tf.keys`), the turned-off ones' too. */
  keyUses(): readonly KeyUse[];
  /** A guard that every factor of the user is off (fails with `exists` otherwise). */
  factorsOffGuard(userId: string): StoreOp;
  /** The ops that turn factor `method` off: its fields of `{tag}:user` and its own records go. */
  disableOps(userId: string, method: string): StoreOp[];
  /** What the recovery methods issue with a first factor (ten backup codes), for `policy`. */
  issueWithFirstFactor(userId: string, policy: Policy): FirstFactorIssue;
  /** Deletes of the recovery methods' records, which go with the last factor (the backup codes). */
  lastFactorDeletes(userId: string): StoreOp[];
  /**
   * The ops that remove every method of a user (an admin reset): their fields of `{tag}:user`
   * and all their records. The TOTP replay floor stays, so an old code never comes back.
   */
  resetOps(userId: string): StoreOp[];
  /** `status` of a user: `enabled`, and each method's part (a method the host turned off has none). */
  status(user: UserRecords): { enabled: boolean } & Record<string, unknown>;
  /** The facade namespaces (`tf.totp`), the calls added to `tf.login` (given its own) and to `tf.admin`. */
  contributions(core: CoreLogin): MethodContributions;
}

/** What the methods add to the facade, by name; `admin` calls are authorized as their `action`. */
export interface MethodContributions {
  apis: Record<string, object>;
  /** The namespaces' calls bound to a session (`api.inSession`), by namespace. */
  inSession: Record<string, object>;
  login: Record<string, unknown>;
  admin: Record<string, { action: string; call: (...args: never[]) => Promise<unknown> }>;
}
