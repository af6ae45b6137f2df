import { FactorkitError } from '../core/errors.js';
import type { StoredRecord, StoreOp } from '../store/store.js';
import { adminCodeModule } from './admin-code/admin-code-module.js';
import { backupCodesModule } from './backup-codes/backup-codes-module.js';
import type { MethodContext } from './context.js';
import { emailModule } from './email/email-module.js';
import type { CodeAttempt, CodeMatch, MethodModule, TwoFactorStatus, UserRecords } from './method-module.js';
import { totpModule } from './totp/totp-module.js';

/**
 * Every method factorkit knows, in the order the login page offers them and a typed code is tried.
 * Adding a method is a folder under `src/methods/` and one line here.
 */
export const methodModules = [totpModule, emailModule, adminCodeModule, backupCodesModule] as const;

type Module = (typeof methodModules)[number];
/** Every method id. */
export type MethodId = Module['id'];
/** The methods that turn 2FA on (`disable` takes one of these). */
export type FactorId = Extract<Module, { role: 'factor' }>['id'];
/** The methods a challenge lists. */
export type ChallengeMethod = Extract<Module, { offered: true }>['id'];
/** The methods a typed code can prove. */
export type CodeMethod = Extract<Module, { matchCode: unknown }>['id'];
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

/** What the facade, the login step and `status` ask about methods. */
export interface MethodRegistry {
  /** Keys of every record any method reads for a user, in a fixed order (one round trip). */
  userKeys(userId: string): string[];
  /** The records read for {@link MethodRegistry.userKeys}, by name. */
  userRecords(records: ReadonlyArray<StoredRecord | null>): UserRecords;
  /** Reads a user's records in one round trip. */
  loadUser(userId: string): Promise<UserRecords>;
  /** The factors that are on. */
  enabledFactors(user: UserRecords): FactorId[];
  /** What a challenge offers: the factors that are on, and the recovery methods usable with them. */
  offered(user: UserRecords): ChallengeMethod[];
  /** Tries a code against every method, in order: the first match, a replay, or null. */
  matchCode(attempt: CodeAttempt): CodeMatch<CodeMethod> | null;
  /** Deletes of the pending setups of every factor but `except`. */
  pendingDeletes(userId: string, except?: string): StoreOp[];
  /** Guards that every factor but `except` is off. */
  factorsOff(userId: string, except?: string): StoreOp[];
  /** Every key any method keeps for a user. */
  allKeys(userId: string): string[];
  /** `status` of a user. */
  status(user: UserRecords): TwoFactorStatus;
  /** The facade namespaces of the methods. */
  apis(): MethodApis;
}

const enabledKey = (module: MethodModule, userId: string): string => {
  const record = module.enabledRecord ? module.records[module.enabledRecord] : undefined;
  if (!record) throw new FactorkitError('BUG', `factor ${module.id} names no enabled record`);
  return record(userId);
};

/** The registry over `modules`, answering with the context `ctx()` returns (built after it). */
export function createMethodRegistry(
  ctx: () => MethodContext,
  modules: readonly MethodModule[] = methodModules,
): MethodRegistry {
  const names = modules.flatMap((m) => Object.keys(m.records));
  const keyOf = modules.flatMap((m) => Object.values(m.records));
  const factors = modules.filter((m) => m.role === 'factor');
  const registry: MethodRegistry = {
    userKeys: (userId) => keyOf.map((key) => key(userId)),
    userRecords: (records) => Object.fromEntries(names.map((name, i) => [name, records[i] ?? null])),
    async loadUser(userId) {
      const c = ctx();
      return registry.userRecords(await c.store.getMany(registry.userKeys(userId), c.now()));
    },
    enabledFactors: (user) => factors.filter((m) => m.usable(ctx(), user)).map((m) => m.id as FactorId),
    offered(user) {
      const c = ctx();
      const on = factors.some((m) => m.usable(c, user));
      return modules
        .filter((m) => m.offered && (m.role === 'factor' || on) && m.usable(c, user))
        .map((m) => m.id as ChallengeMethod);
    },
    matchCode(attempt) {
      const c = ctx();
      const anyFactor = factors.some((m) => m.usable(c, attempt.user));
      for (const module of modules) {
        // Recovery codes count only while a factor is on.
        if (!module.matchCode || (module.role === 'recovery' && !anyFactor)) continue;
        const match = module.matchCode(c, attempt);
        if (match) return match as CodeMatch<CodeMethod>;
      }
      return null;
    },
    pendingDeletes: (userId, except) =>
      factors
        .filter((m) => m.id !== except)
        .flatMap((m) => m.pendingKeys(userId))
        .map((key) => ({ type: 'delete', key }) as const),
    factorsOff: (userId, except) =>
      factors
        .filter((m) => m.id !== except)
        .map((m) => ({ type: 'absent', key: enabledKey(m, userId) }) as const),
    allKeys: (userId) => modules.flatMap((m) => m.keys(userId)),
    status(user) {
      const c = ctx();
      const enabled = factors.some((m) => m.usable(c, user));
      const parts = Object.assign({}, ...modules.map((m) => m.status?.(c, user) ?? {}));
      // Recovery codes mean nothing without a factor.
      return { ...parts, enabled, ...(enabled ? {} : { backupCodesRemaining: 0 }) } as TwoFactorStatus;
    },
    apis: () =>
      Object.fromEntries(
        modules.flatMap((m) => (m.api ? [[m.api.name, m.api.create(ctx())]] : [])),
      ) as MethodApis,
  };
  return registry;
}
