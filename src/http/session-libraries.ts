import { FactorkitError } from '../core/errors.js';
import type { TwoFactorSessionAccess } from './session.js';

/** Where factorkit's state lives in a session library's object. */
const KEY = 'factorkit';

/** What express-session's `req.session` offers and the adapter uses: any object with these works. */
export interface ExpressSessionLike {
  regenerate(callback: (err?: unknown) => void): unknown;
  destroy(callback: (err?: unknown) => void): unknown;
}

/** What @fastify/session's `request.session` offers and the adapter uses: any object with these works. */
export interface FastifySessionLike {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  /** A new session id keeping only `keys` (@fastify/session puts a new object at `request.session`). */
  regenerate(keys: string[]): Promise<void>;
  destroy(): Promise<void>;
}

const isAccess = (value: object): value is TwoFactorSessionAccess =>
  typeof (value as TwoFactorSessionAccess).get === 'function' &&
  typeof (value as TwoFactorSessionAccess).rotate === 'function';

/**
 * The session `pick` returns, as the layer's contract: a {@link TwoFactorSessionAccess} as is, or
 * express-session's object (state in its `factorkit` field, rotated with `regenerate`). `pick` is
 * called again every time: `regenerate` puts a new object in place.
 */
export function expressSessionAccess(
  pick: () => ExpressSessionLike | TwoFactorSessionAccess | undefined,
): TwoFactorSessionAccess {
  const current = () => {
    const session = pick();
    if (!session) throw new FactorkitError('CONFIG', '[express] no session: install express-session first');
    return session;
  };
  const first = current();
  if (isAccess(first)) return first;
  const bag = () => current() as unknown as Record<string, unknown>;
  const call = (name: 'regenerate' | 'destroy') =>
    new Promise<void>((resolve, reject) => {
      (current() as ExpressSessionLike)[name]((err) => (err ? reject(err) : resolve()));
    });
  return {
    get: () => bag()[KEY],
    set: (state) => {
      bag()[KEY] = state;
    },
    async rotate() {
      const state = bag()[KEY];
      await call('regenerate');
      bag()[KEY] = state;
    },
    destroy: () => call('destroy'),
  };
}

/**
 * @fastify/session's `request.session` as the layer's contract (state under `factorkit`, rotated
 * with `regenerate`, ended with `destroy`). Read again every time: `regenerate` puts a new object
 * at `request.session`, `destroy` puts null.
 */
export function fastifySessionAccess(request: object): TwoFactorSessionAccess {
  const current = () => {
    const session = (request as { session?: FastifySessionLike | null }).session;
    if (typeof session?.regenerate === 'function') return session;
    throw new FactorkitError('CONFIG', '[fastify] no session: register @fastify/session or pass `session`');
  };
  current();
  return {
    get: () => current().get(KEY),
    set: (state) => current().set(KEY, state),
    rotate: () => current().regenerate([KEY]),
    destroy: () => current().destroy(),
  };
}
