import { ConfigError } from '../core/errors.js';
import type { Keyring } from '../core/keyring.js';
import type { TwoFactor } from './create-two-factor.js';

/**
 * What the HTTP layer needs from a facade and the public surface does not show: its keyring (the
 * built-in cookie session seals with it) and whether security keys are on. Kept beside the object,
 * not on it, so that nothing of it is enumerable, serializable or part of the promise.
 */
export interface FacadeInternals {
  keyring: Keyring;
  /** Whether `createTwoFactor({ webauthn: { library } })` was given the verifier. */
  webauthnLibrary: boolean;
}

const byFacade = new WeakMap<object, FacadeInternals>();

/** Records `internals` for `tf` (createTwoFactor, once). */
export function recordInternals(tf: TwoFactor, internals: FacadeInternals): TwoFactor {
  byFacade.set(tf, internals);
  return tf;
}

/** The internals of `tf`, or undefined for an object createTwoFactor did not make (a test double). */
export function internalsOf(tf: TwoFactor): FacadeInternals | undefined {
  return byFacade.get(tf);
}

/**
 * The internals of `tf`, which must exist.
 * @throws {FactorkitError} `CONFIG` for an object that createTwoFactor of this copy of factorkit did not make.
 */
export function requireInternals(tf: TwoFactor, use: string): FacadeInternals {
  const internals = byFacade.get(tf);
  if (internals) return internals;
  throw new ConfigError(
    'tf',
    `${use} needs the object createTwoFactor returned, from the same copy of factorkit (an ESM and a CommonJS copy loaded side by side do not share it)`,
  );
}
