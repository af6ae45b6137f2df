import { FactorkitError } from '../core/errors.js';
import type { Context } from './context.js';

/** Each facade's context, for the layers that build on a facade (`factorkit/import`), never exposed. */
const contexts = new WeakMap<object, Context>();

/** Records the context of a facade `createTwoFactor` made. */
export function attachContext(facade: object, ctx: Context): void {
  contexts.set(facade, ctx);
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
