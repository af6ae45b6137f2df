import { type Policy, trustDays } from './policy-schema.js';

/** Outcome of {@link decideLogin}: `M` is the methods a challenge offers. */
export type LoginDecision<M extends string = string> =
  | { status: 'not-required' }
  | { status: 'setup-required' }
  | { status: 'trusted-device' }
  | { status: 'challenge'; methods: M[] };

/**
 * The org's rule for a user with no method: set one up before anything else. One place, asked at
 * sign-in ({@link decideLogin}) and on every request of a signed-in session (`tf.sessions.check`).
 */
export function mustSetUp(policy: Policy, factorsOn: number): boolean {
  return factorsOn === 0 && policy.required;
}

/**
 * The login decision, pure: whether to ask for a code after the password. `methods` are the
 * methods the user can use now, in the order the login page shows them (empty: none is set up);
 * `deviceTrusted` is whether the browser presented a valid, unexpired, unrevoked token of this user.
 * A user with no method is never asked for a code (an admin-issued code helps someone who has a
 * method but lost it). `enrolled`: the user has a factor, even if none is offered now (a method the
 * host turned off): such a user is still asked, with a challenge only an admin-issued code can end.
 * Step-up always asks.
 */
export function decideLogin<M extends string>(
  policy: Policy,
  methods: readonly M[],
  deviceTrusted: boolean,
  options: { stepUp?: boolean; enrolled?: boolean } = {},
): LoginDecision<M> {
  if (methods.length === 0 && !options.enrolled) {
    return mustSetUp(policy, 0) ? { status: 'setup-required' } : { status: 'not-required' };
  }
  if (!options.stepUp && deviceTrusted && trustDays(policy) !== null) return { status: 'trusted-device' };
  return { status: 'challenge', methods: [...methods] };
}
