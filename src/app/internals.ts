import { FactorkitError } from '../core/errors.js';
import type { Context } from './context.js';
import type { LoginProof, VerifyOptions } from './login/verify.js';
import type { SessionBinding, SessionVerifyResult } from './login/verify-outcomes.js';

/** Each facade's context, for the layers that build on a facade (`factorkit/import`), never exposed. */
const contexts = new WeakMap<object, Context>();

/**
 * The login's verify bound to the session it comes from (the HTTP layer's), instrumented as the
 * facade's `login.verify` is (same operation, span and metrics).
 */
export interface SessionVerifiers {
  verify(
    challengeId: string,
    proof: LoginProof,
    options: VerifyOptions,
    session: SessionBinding,
  ): Promise<SessionVerifyResult>;
}
const sessionVerifiers = new WeakMap<object, SessionVerifiers>();

/**
 * The methods' calls bound to a session (each module's `api.inSession`: its setup confirms), by
 * namespace, instrumented as the facade's calls of the same names.
 */
export type SessionApis = Readonly<Record<string, object>>;
const sessionApis = new WeakMap<object, SessionApis>();

/** Records the context of a facade `createTwoFactor` made, and its session-bound calls. */
export function attachContext(
  facade: object,
  ctx: Context,
  bound: { login: SessionVerifiers; apis: SessionApis },
): void {
  contexts.set(facade, ctx);
  sessionVerifiers.set(facade, bound.login);
  sessionApis.set(facade, bound.apis);
}

/** The session-bound calls of a facade's methods (none for an object `createTwoFactor` did not make). */
export function sessionApisOf(facade: unknown): SessionApis {
  return (typeof facade === 'object' && facade !== null && sessionApis.get(facade)) || {};
}

/** The session-bound verifies of a facade. @throws `CONFIG` for anything `createTwoFactor` did not return. */
export function sessionVerifiersOf(facade: unknown): SessionVerifiers {
  const verifiers = typeof facade === 'object' && facade !== null ? sessionVerifiers.get(facade) : undefined;
  if (!verifiers) throw new FactorkitError('CONFIG', 'expected the facade createTwoFactor returned');
  return verifiers;
}

/** The context of a facade. @throws `CONFIG` for anything `createTwoFactor` did not return. */
export function contextOf(facade: unknown): Context {
  const ctx = typeof facade === 'object' && facade !== null ? contexts.get(facade) : undefined;
  if (!ctx) throw new FactorkitError('CONFIG', 'expected the facade createTwoFactor returned');
  return ctx;
}

/** The context of a facade, or undefined for another object (a test double built by hand). */
export function maybeContextOf(facade: unknown): Context | undefined {
  return typeof facade === 'object' && facade !== null ? contexts.get(facade) : undefined;
}
