import { FactorkitError } from '../core/errors.js';
import type { KeyUse } from '../store/key-use.js';
import { storeKeys } from '../store/keys.js';
import type { StoredRecord, StoreOp } from '../store/store.js';
import { adminCodeModule } from './admin-code/admin-code-module.js';
import { backupCodesModule } from './backup-codes/backup-codes-module.js';
import type { MethodContext } from './context.js';
import { emailModule } from './email/email-module.js';
import type {
  ChallengeAddition,
  CodeAttempt,
  CodeMatch,
  MethodModule,
  Proof,
  ResponseAttempt,
  TwoFactorStatus,
  UserRecords,
} from './method-module.js';
import { totpModule } from './totp/totp-module.js';
import { webauthnModule } from './webauthn/webauthn-module.js';

/**
 * Every method factorkit knows, in the order the login page offers them and a typed code is tried.
 * A method that proves a typed code is a folder under `src/methods/` and one line here; one with its
 * own ceremony (WebAuthn) also adds its login calls and HTTP routes (docs/architecture.md).
 */
export const methodModules = [
  webauthnModule,
  totpModule,
  emailModule,
  adminCodeModule,
  backupCodesModule,
] as const;

type Module = (typeof methodModules)[number];
/** Every method id. */
export type MethodId = Module['id'];
/** The methods that turn 2FA on (`disable` takes one of these). */
export type FactorId = Extract<Module, { role: 'factor' }>['id'];
/** The methods a challenge lists. */
export type ChallengeMethod = Extract<Module, { offered: true }>['id'];
/** The methods a typed code can prove. */
export type CodeMethod = Extract<Module, { matchCode: unknown }>['id'];
/** The methods that can end a challenge: a typed code's, or a security key's. */
export type ProofMethod = CodeMethod | Extract<Module, { matchResponse: unknown }>['id'];
/** The facade namespaces the methods add (`totp`, `email`, `backupCodes`). */
export type MethodApis = {
  [M in Module as M extends { api: { name: infer N extends string } } ? N : never]: M extends {
    api: { create(ctx: MethodContext): infer A };
  }
    ? A
    : never;
};

/** The ids of the factors, for input validation. */
export const factorIds = methodModules.filter((m) => m.role === 'factor').map((m) => m.id) as [
  FactorId,
  ...FactorId[],
];

/** The keys a read of a user's methods takes, and how to name what comes back. */
export interface UserReads {
  /** `{tag}:user` first, then the methods' own records, in a fixed order (one round trip). */
  keys: string[];
  /** The records read for {@link UserReads.keys}, by name (`user`, `backupCodes`). */
  records(read: ReadonlyArray<StoredRecord | null>): UserRecords;
}

/** What the facade, the login step and `status` ask about methods. */
export interface MethodRegistry {
  /**
   * What to read for a user: `{tag}:user` and every method's own records, or, given the proof a
   * login is checking, only the records it may need (backup codes only for a code of their shape,
   * security keys only for a key's response).
   */
  reads(userId: string, proof?: Proof): UserReads;
  /** Reads every record of a user's methods in one round trip. */
  loadUser(userId: string): Promise<UserRecords>;
  /** The factors that are on. */
  enabledFactors(user: UserRecords): FactorId[];
  /** What a challenge offers: the factors that are on, and the recovery methods usable with them. */
  offered(user: UserRecords): ChallengeMethod[];
  /** Tries a code against every method, in order: the first match, a replay, or null. */
  matchCode(attempt: CodeAttempt): Promise<CodeMatch<CodeMethod> | null>;
  /** Tries a security key's response against the methods that take one. */
  matchResponse(attempt: ResponseAttempt): Promise<CodeMatch<ProofMethod> | null>;
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
  /** A guard that every factor of the user is off (fails with `exists` otherwise). */
  factorsOffGuard(userId: string): StoreOp;
  /** The ops that turn factor `method` off: its fields of `{tag}:user` and its own records go. */
  disableOps(userId: string, method: FactorId): StoreOp[];
  /**
   * The ops that remove every method of a user (an admin reset): their fields of `{tag}:user`
   * and all their records. The TOTP replay floor stays, so an old code never comes back.
   */
  resetOps(userId: string): StoreOp[];
  /** `status` of a user. */
  status(user: UserRecords): TwoFactorStatus;
  /** The facade namespaces of the methods. */
  apis(): MethodApis;
  /** What every method keeps under the application keys (`tf.keys`). */
  keyUses(): KeyUse[];
}

/** The registry over `modules`, answering with the context `ctx()` returns (built after it). */
export function createMethodRegistry(
  ctx: () => MethodContext,
  modules: readonly MethodModule[] = methodModules,
): MethodRegistry {
  const factors = modules.filter((m) => m.role === 'factor');
  const own = modules.flatMap((m) =>
    Object.entries(m.records).map(([name, key]) => ({ module: m, name, key })),
  );
  const enabledField = (module: MethodModule): string => {
    if (!module.enabledField) throw new FactorkitError('BUG', `factor ${module.id} names no enabled field`);
    return module.enabledField;
  };
  const unsetOp = (userId: string, names: readonly string[]): StoreOp => ({
    type: 'merge',
    key: storeKeys.user(userId),
    fields: {},
    create: true,
    unset: names,
  });
  const registry: MethodRegistry = {
    reads(userId, proof) {
      const c = proof === undefined ? null : ctx();
      const records = own.filter(
        ({ module }) => c === null || !module.readsFor || module.readsFor(c, proof!),
      );
      return {
        keys: [storeKeys.user(userId), ...records.map(({ key }) => key(userId))],
        records: (read) =>
          Object.fromEntries([
            ['user', read[0] ?? null],
            ...records.map(({ name }, i) => [name, read[i + 1] ?? null]),
          ]),
      };
    },
    async loadUser(userId) {
      const c = ctx();
      const { keys, records } = registry.reads(userId);
      return records(await c.store.getMany(keys, c.now()));
    },
    enabledFactors: (user) => factors.filter((m) => m.usable(ctx(), user)).map((m) => m.id as FactorId),
    offered(user) {
      const c = ctx();
      const on = factors.some((m) => m.usable(c, user));
      return modules
        .filter((m) => m.offered && (m.role === 'factor' || on) && m.usable(c, user))
        .map((m) => m.id as ChallengeMethod);
    },
    async matchCode(attempt) {
      const c = ctx();
      const anyFactor = factors.some((m) => m.usable(c, attempt.user));
      for (const module of modules) {
        // Recovery codes count only while a factor is on.
        if (!module.matchCode || (module.role === 'recovery' && !anyFactor)) continue;
        const match = await module.matchCode(c, attempt);
        if (match) return match as CodeMatch<CodeMethod>;
      }
      return null;
    },
    async matchResponse(attempt) {
      const c = ctx();
      if (!factors.some((m) => m.usable(c, attempt.user))) return null;
      for (const module of modules) {
        const match = await module.matchResponse?.(c, attempt);
        if (match) return match as CodeMatch<ProofMethod>;
      }
      return null;
    },
    async challengeAdditions(userId, user, methods, now) {
      const c = ctx();
      const added: ChallengeAddition = { fields: {}, extras: {} };
      for (const module of modules) {
        if (!module.challenge || !methods.includes(module.id)) continue;
        const part = await module.challenge(c, userId, user, now);
        if (part) {
          Object.assign(added.fields, part.fields);
          Object.assign(added.extras, part.extras);
        }
      }
      return added;
    },
    pendingDeletes: (userId, except) =>
      factors
        .filter((m) => m.id !== except)
        .flatMap((m) => m.pendingKeys(userId))
        .map((key) => ({ type: 'delete', key }) as const),
    factorFields: (except) => factors.filter((m) => m.id !== except).map(enabledField),
    factorsOffGuard: (userId) => ({
      type: 'absent',
      key: storeKeys.user(userId),
      fields: registry.factorFields(),
    }),
    disableOps(userId, method) {
      const module = factors.find((m) => m.id === method);
      if (!module) throw new FactorkitError('BUG', `no factor ${method}`);
      return [
        unsetOp(userId, module.userFields),
        ...module.keys(userId).map((key) => ({ type: 'delete', key }) as const),
      ];
    },
    resetOps: (userId) => [
      unsetOp(
        userId,
        modules.flatMap((m) => m.userFields),
      ),
      ...modules.flatMap((m) => m.keys(userId)).map((key) => ({ type: 'delete', key }) as const),
    ],
    status(user) {
      const c = ctx();
      const enabled = factors.some((m) => m.usable(c, user));
      const parts = Object.assign({}, ...modules.map((m) => m.status?.(c, user) ?? {}));
      // Recovery codes mean nothing without a factor.
      return { ...parts, enabled, ...(enabled ? {} : { backupCodesRemaining: 0 }) } as TwoFactorStatus;
    },
    keyUses: () => modules.flatMap((m) => m.keyUses ?? []),
    apis: () =>
      Object.fromEntries(
        modules.flatMap((m) => (m.api ? [[m.api.name, m.api.create(ctx())]] : [])),
      ) as MethodApis,
  };
  return registry;
}
