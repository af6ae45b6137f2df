import type { TwoFactor } from '../app/create-two-factor.js';
import { maybeContextOf } from '../app/internals.js';
import type { Actor } from '../core/events.js';
import { refusal } from './answers.js';
import { isThenable, readState, type SessionState, type SignedInState } from './session.js';
import { currentState } from './session-flow.js';
import type { HttpAnswer, HttpRequest, ResolvedOptions, Route } from './types.js';

/**
 * Whether the session verified a second factor within the policy's `stepUpMaxAgeMs`. The policy
 * as sign-ins read it (reused up to `policyCacheMs`), not `tf.policy.get`, which reads the store
 * on every call: a step-up guard runs on every request of the routes it protects.
 */
export async function hasFreshFactor(tf: TwoFactor, state: SignedInState, now: number): Promise<boolean> {
  if (state.secondFactorAt === null) return false;
  const facade = maybeContextOf(tf);
  const scope = { userId: state.userId };
  const policy = await (facade ? facade.policy(scope) : tf.policy.get(scope));
  return now - state.secondFactorAt <= policy.stepUpMaxAgeMs;
}

/** The answer when a session is not signed in (a pending code is told apart). */
export function notSignedIn(state: SessionState | null): HttpAnswer {
  return refusal(401, state?.stage === 'pending' ? 'second-factor-required' : 'not-signed-in');
}

async function permitted<Native>(
  route: Route,
  req: HttpRequest<Native>,
  options: ResolvedOptions<Native>,
): Promise<{ actor: Actor | null; ok: boolean }> {
  // Any falsy answer (a JavaScript host returning false) is no actor.
  const actor = (await options.getActor?.(req.native)) || null;
  if (route.permission !== 'policy') return { actor, ok: actor !== null };
  const ok = options.canManagePolicy ? Boolean(await options.canManagePolicy(req.native)) : actor !== null;
  return { actor, ok };
}

/** For `signedIn` and `stepUp`: the signed-in state, or the refusal. */
export async function signedInOr(
  tf: TwoFactor,
  state: SessionState | null,
  fresh: boolean,
  now: number,
): Promise<HttpAnswer | SignedInState> {
  if (state === null || state.stage === 'pending') return notSignedIn(state);
  if (state.stage === 'setup') return refusal(403, 'setup-required');
  if (fresh && !(await hasFreshFactor(tf, state, now))) return refusal(403, 'step-up-required');
  return state;
}

/**
 * Runs a route's guard: the session state it lets through (and the actor of admin routes), or
 * the refusal. 401 not signed in, 403 setup-required / step-up-required / not-authorized. A state
 * whose session key is no longer open (signed out, ended by a 2FA change) counts as none; a route
 * that checks that in its own commit (`checksSessionInCommit`) is given the state as stored.
 */
export async function passGuard<Native>(
  tf: TwoFactor,
  route: Route,
  req: HttpRequest<Native>,
  options: ResolvedOptions<Native>,
): Promise<{ state: SessionState | null; actor: Actor | null } | HttpAnswer> {
  let state: SessionState | null = null;
  if (route.guard !== 'none' && route.checksSessionInCommit) {
    // The state as stored, without a promise of its own when the session answers at once (most do).
    const stored = req.session.get();
    state = readState(isThenable(stored) ? await stored : stored);
  } else if (route.guard !== 'none') state = await currentState(tf, req.session);
  if (route.guard === 'none') return { state, actor: null };
  if (route.guard === 'pending') {
    return state?.stage === 'pending' ? { state, actor: null } : refusal(401, 'no-pending-login');
  }
  if (state === null || state.stage === 'pending') return notSignedIn(state);
  if (route.guard === 'setup') return { state, actor: null };
  if (route.guard !== 'admin') {
    const passed = await signedInOr(tf, state, route.guard === 'stepUp', options.now());
    return 'status' in passed ? passed : { state: passed, actor: null };
  }
  if (state.stage === 'setup') return refusal(403, 'setup-required');
  const permission = await permitted(route, req, options);
  if (!permission.ok) return refusal(403, 'not-authorized');
  if (options.adminStepUp && !(await hasFreshFactor(tf, state, options.now()))) {
    return refusal(403, 'step-up-required');
  }
  return { state, actor: permission.actor };
}
