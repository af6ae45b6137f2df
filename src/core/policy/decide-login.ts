import type { Policy } from './policy-schema.js';
import { trustDays } from './policy-schema.js';
import { type Requirement, requirementOf } from './requirement.js';

/** Outcome of {@link decideLogin}: `M` is the methods a challenge offers. */
export type LoginDecision<M extends string = string> =
  | { status: 'not-required' }
  | { status: 'setup-required' }
  /** The rule applies, in grace: the user may skip setup until `deadline`. */
  | { status: 'setup-recommended'; deadline: number }
  | { status: 'trusted-device' }
  | { status: 'challenge'; methods: M[] };

/**
 * The login decision, pure: whether to ask for a code after the password. `methods` are the
 * methods the user can use now (those the policy allows), in the order the login page shows them
 * (empty: none is set up); `deviceTrusted` is whether the browser presented a valid, unexpired,
 * unrevoked token of this user; `requirement` is the rule for this user when they have no method.
 * A user with no method is never asked for a code (an admin-issued code helps someone who has a
 * method but lost it). `enrolled`: the user has a factor, even if none is offered now (a method the
 * host turned off): such a user is still asked, with a challenge only an admin-issued code can end.
 * Step-up always asks.
 */
export function decideLogin<M extends string>(
  policy: Policy,
  methods: readonly M[],
  deviceTrusted: boolean,
  options: { stepUp?: boolean; enrolled?: boolean; requirement?: Requirement } = {},
): LoginDecision<M> {
  if (methods.length === 0 && !options.enrolled) {
    // Without the user's facts: the rule as it stands for someone with no roles and no grace begun.
    const requirement =
      options.requirement ??
      requirementOf(policy, { roles: [], graceStartedAt: null, enrolledAt: null, now: 0 });
    if (requirement.kind === 'grace') return { status: 'setup-recommended', deadline: requirement.deadline };
    return requirement.kind === 'required' ? { status: 'setup-required' } : { status: 'not-required' };
  }
  if (!options.stepUp && deviceTrusted && trustDays(policy) !== null) return { status: 'trusted-device' };
  return { status: 'challenge', methods: [...methods] };
}
