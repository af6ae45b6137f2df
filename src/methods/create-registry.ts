import { ConfigError, FactorkitError, InvalidInputError } from '../core/errors.js';
import { parseInput } from '../core/validation.js';
import type { KeyUse } from '../store/key-use.js';
import { storeKeys } from '../store/keys.js';
import type { StoreOp } from '../store/store.js';
import type { MethodContext } from './context.js';
import type { MethodModule } from './method-module.js';
import type { FirstFactorIssue, MethodContributions, MethodRegistry } from './method-registry.js';
import type { ChallengeAddition, CodeAttempt, CodeMatch, MethodDemand } from './proof.js';

/** A module with the context its hooks get. */
interface Bound {
  module: MethodModule;
  ctx: MethodContext;
}

/**
 * Adds a module's services to the shared context: one context, so what one method builds serves
 * the others and the imports (backup codes tell an app's code by its length), each name once.
 * @throws {FactorkitError} `CONFIG` when a service's name is taken.
 */
function bind(ctx: MethodContext, module: MethodModule, options: Readonly<Record<string, unknown>>): Bound {
  const own = module.services?.(ctx, options) ?? {};
  for (const name of Object.keys(own)) {
    if (name in ctx)
      throw new ConfigError('options.methods', `${module.id} adds ${name}, which another part has`);
  }
  Object.assign(ctx, own);
  return { module, ctx };
}

/**
 * The registry over `modules`, in the order the login page offers them and a typed code is tried.
 * `options` are the facade's parsed options (each module reads its own); the modules' services are
 * built here, once.
 */
export function createMethodRegistry(
  ctx: MethodContext,
  modules: readonly MethodModule[],
  options: Readonly<Record<string, unknown>>,
): MethodRegistry {
  const all = modules.map((module) => bind(ctx, module, options));
  const on = new Set(all.filter((b) => b.module.available?.(b.ctx) ?? true).map((b) => b.module.id));
  const live = all.filter((b) => on.has(b.module.id));
  const factors = all.filter((b) => b.module.role === 'factor');
  const own = all.flatMap((b) =>
    Object.entries(b.module.records).map(([name, key]) => ({ bound: b, name, key })),
  );
  const byId = new Map(all.map((b) => [b.module.id, b]));
  // Fixed with the modules: a sign-in's key refresh asks for them on every success.
  const keyUses: readonly KeyUse[] = all.flatMap((b) => b.module.keyUses ?? []);
  const enabledField = ({ module }: Bound): string => {
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
  const deletes = (keys: string[]): StoreOp[] => keys.map((key) => ({ type: 'delete', key }) as const);
  /**
   * The first method from `start` on whose code matches. Synchronous until a method answers with a
   * promise (most answer at once: a promise and an await per method would be work for nothing).
   */
  const matchCodeFrom = (
    start: number,
    coded: CodeAttempt,
    anyFactor: boolean,
    demand: MethodDemand,
  ): CodeMatch | null | Promise<CodeMatch | null> => {
    for (let i = start; i < live.length; i++) {
      const bound = live[i]!;
      // Recovery codes count only while a factor is on.
      if (!bound.module.matchCode || (bound.module.role === 'recovery' && !anyFactor)) continue;
      if (!admits(bound, demand)) continue;
      const found = bound.module.matchCode(bound.ctx, coded);
      if (found instanceof Promise)
        return found.then((match) => match ?? matchCodeFrom(i + 1, coded, anyFactor, demand));
      if (found) return found;
    }
    return null;
  };
  const factorOn = (user: Parameters<MethodRegistry['enabledFactors']>[0]) =>
    factors.some((b) => b.module.usable(b.ctx, user));
  // A demand for phishing resistance admits only the methods bound to the site's origin.
  const admits = ({ module }: Bound, demand: MethodDemand) =>
    !demand.phishingResistant || module.phishingResistant === true;

  const registry: MethodRegistry = {
    factorIds: factors.map((b) => b.module.id),
    available: (id) => on.has(id),
    reads(userId, proof) {
      const records = own.filter(
        ({ bound }) =>
          proof === undefined || !bound.module.readsFor || bound.module.readsFor(bound.ctx, proof),
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
      const { keys, records } = registry.reads(userId);
      return records(await ctx.store.getMany(keys, ctx.now()));
    },
    enabledFactors: (user) => factors.filter((b) => b.module.usable(b.ctx, user)).map((b) => b.module.id),
    offered(user, demand) {
      const anyFactor = factorOn(user);
      return live
        .filter(
          (b) =>
            b.module.offered &&
            (b.module.role === 'factor' || anyFactor) &&
            admits(b, demand) &&
            b.module.usable(b.ctx, user),
        )
        .map((b) => b.module.id);
    },
    parseProof(input) {
      if (typeof input === 'string') return { code: parseCodeInput(input) };
      if (typeof input !== 'object' || input === null || Array.isArray(input))
        throw new InvalidInputError('proof', 'must be { code } or { method, response }');
      const proof = input as { code?: unknown; method?: unknown; response?: unknown };
      if (proof.method === undefined) return { code: parseCodeInput(proof.code) };
      const bound = typeof proof.method === 'string' ? byId.get(proof.method) : undefined;
      if (!bound?.module.response || !bound.module.matchResponse)
        throw new InvalidInputError('proof.method', 'is not a method with a response of its own');
      return {
        method: bound.module.id,
        response: parseInput(bound.module.response, proof.response, 'response'),
      };
    },
    match(attempt, proof, demand) {
      const anyFactor = factorOn(attempt.user);
      if ('method' in proof) {
        const bound = byId.get(proof.method);
        if (!bound || !on.has(proof.method) || !admits(bound, demand) || !anyFactor) return null;
        const matched = bound.module.matchResponse?.(bound.ctx, { ...attempt, response: proof.response });
        return matched ? matched.then((match) => match ?? null) : null;
      }
      return matchCodeFrom(0, { ...attempt, code: proof.code }, anyFactor, demand);
    },
    async challengeAdditions(userId, user, methods, now) {
      const added: ChallengeAddition = { fields: {}, extras: {} };
      for (const b of live) {
        if (!b.module.challenge || !methods.includes(b.module.id)) continue;
        const part = await b.module.challenge(b.ctx, userId, user, now);
        if (part) {
          Object.assign(added.fields, part.fields);
          Object.assign(added.extras, part.extras);
        }
      }
      return added;
    },
    pendingDeletes: (userId, except) =>
      deletes(factors.filter((b) => b.module.id !== except).flatMap((b) => b.module.pendingKeys(userId))),
    factorFields: (except) => factors.filter((b) => b.module.id !== except).map(enabledField),
    keyUses: () => keyUses,
    factorsOffGuard: (userId) => ({
      type: 'absent',
      key: storeKeys.user(userId),
      fields: registry.factorFields(),
    }),
    disableOps(userId, method) {
      const bound = factors.find((b) => b.module.id === method);
      if (!bound) throw new FactorkitError('BUG', `no factor ${method}`);
      return [unsetOp(userId, bound.module.userFields), ...deletes(bound.module.keys(userId))];
    },
    issueWithFirstFactor(userId, policy) {
      const issued: FirstFactorIssue = { ops: [], result: {}, events: [] };
      for (const b of all) {
        const part = b.module.issueWithFirstFactor?.(b.ctx, userId, policy);
        if (!part) continue;
        issued.ops.push(...part.ops);
        Object.assign(issued.result, part.result);
        issued.events.push(...part.events);
      }
      return issued;
    },
    lastFactorDeletes: (userId) =>
      deletes(all.filter((b) => b.module.role === 'recovery').flatMap((b) => b.module.keys(userId))),
    resetOps: (userId) => [
      unsetOp(
        userId,
        all.flatMap((b) => b.module.userFields),
      ),
      ...deletes(all.flatMap((b) => b.module.keys(userId))),
    ],
    status(user) {
      const enabled = factorOn(user);
      const parts = live.map((b) => b.module.status?.(b.ctx, user, enabled) ?? {});
      return Object.assign({}, ...parts, { enabled });
    },
    contributions(core) {
      const made: MethodContributions = { apis: {}, inSession: {}, login: {}, admin: {} };
      for (const { module, ctx: own } of all) {
        if (module.api) made.apis[module.api.name] = module.api.create(own);
        if (module.api?.inSession) made.inSession[module.api.name] = module.api.inSession(own);
        if (module.login) Object.assign(made.login, module.login.create(own, core));
        if (module.admin) {
          const calls = module.admin.create(own) as Record<string, (...args: never[]) => Promise<unknown>>;
          for (const [name, action] of Object.entries(module.admin.actions))
            made.admin[name] = { action, call: calls[name]! };
        }
      }
      return made;
    },
  };
  return registry;
}

/** A typed code as `login.verify` takes it: a string of at most 256 characters. */
function parseCodeInput(code: unknown): string {
  if (typeof code !== 'string') throw new InvalidInputError('code', 'must be a string');
  if (code.length > 256) throw new InvalidInputError('code', 'is too long');
  return code;
}
