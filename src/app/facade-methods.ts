import { ConfigError } from '../core/errors.js';
import type { MethodModule } from '../methods/method-module.js';
import type { MethodRegistry } from '../methods/method-registry.js';
import type { ApisOf } from '../methods/method-types.js';
import { methodModules } from '../methods/registry.js';
import type { TwoFactor } from './create-two-factor.js';

/** Each facade's methods, by the facade `createTwoFactor` returned. */
const byFacade = new WeakMap<object, FacadeMethods>();

/** A facade's methods, as the HTTP layer reads them: every module, and which the host turned on. */
export interface FacadeMethods {
  readonly modules: readonly MethodModule[];
  available(id: string): boolean;
}

/** Records the methods of the facade `tf` (the one the host holds). */
export function attachMethods(
  tf: TwoFactor,
  modules: readonly MethodModule[],
  registry: MethodRegistry,
): TwoFactor {
  byFacade.set(tf, { modules, available: (id) => registry.available(id) });
  return tf;
}

/** The methods of `tf` (the built-in ones, all on, for an object `createTwoFactor` did not make). */
export function methodsOf(tf: TwoFactor): FacadeMethods {
  return byFacade.get(tf) ?? { modules: methodModules, available: () => true };
}

/**
 * The facade namespace a host's own method adds (`createTwoFactor({ methods: [pinMethod] })`),
 * typed by its module.
 * @throws {FactorkitError} `CONFIG` when `tf` was made without that method.
 * @example
 * const pin = methodApi(tf, pinMethod); await pin.beginSetup(userId, '4921');
 */
export function methodApi<const M extends MethodModule & { api: { name: string } }>(
  tf: TwoFactor,
  module: M,
): ApisOf<[M]>[M['api']['name'] & keyof ApisOf<[M]>] {
  if (!methodsOf(tf).modules.includes(module))
    throw new ConfigError('options.methods', `the facade was created without the method ${module.id}`);
  return (tf as unknown as Record<string, ApisOf<[M]>[keyof ApisOf<[M]>]>)[module.api.name]!;
}
