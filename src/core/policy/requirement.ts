import type { Policy } from './policy-schema.js';

const DAY_MS = 86_400_000;

/** Whether a user without a usable (allowed) method must set one up: not, not yet, or now. */
export type Requirement =
  | { kind: 'none' }
  /** In grace: setup is recommended until `deadline`, and may be skipped. */
  | { kind: 'grace'; deadline: number }
  | { kind: 'required' };

/** What the rule is judged on for one user. */
export interface RequirementFacts {
  /** The user's roles (from `rolesOf`). */
  roles: readonly string[];
  /** When this user's grace began (their first sign-in under the rule), or null for none yet. */
  graceStartedAt: number | null;
  /** When this user first turned a method on after the rule (a user who enrolled gets no grace again). */
  enrolledAt: number | null;
  now: number;
}

/** Whether the `required` rule names this user at all (everyone, or one of its roles). */
export function ruleApplies(policy: Policy, roles: readonly string[]): boolean {
  const rule = policy.required;
  if (typeof rule === 'boolean') return rule;
  return rule.roles === undefined || rule.roles.some((role) => roles.includes(role));
}

/** Whether a rule may grant grace (a boolean rule never does), so whether a start may need to be stamped. */
export function ruleHasGrace(policy: Policy): boolean {
  const rule = policy.required;
  return typeof rule === 'object' && (rule.graceDays !== undefined || rule.deadline !== undefined);
}

/**
 * The rule for a user who has no usable allowed method, pure. Grace ends at the earlier of the
 * user's `graceDays` (counted from their first sign-in after the rule changed) and the `deadline`;
 * a user who enrolled after the rule changed and later turned every method off has none left.
 */
export function requirementOf(policy: Policy, facts: RequirementFacts): Requirement {
  if (!ruleApplies(policy, facts.roles)) return { kind: 'none' };
  const rule = policy.required;
  if (typeof rule === 'boolean' || !ruleHasGrace(policy)) return { kind: 'required' };
  if (facts.enrolledAt !== null && facts.enrolledAt >= policy.requiredSince) return { kind: 'required' };
  const started =
    facts.graceStartedAt !== null && facts.graceStartedAt >= policy.requiredSince
      ? facts.graceStartedAt
      : facts.now;
  const ends = [
    ...(rule.graceDays !== undefined ? [started + rule.graceDays * DAY_MS] : []),
    ...(rule.deadline !== undefined ? [rule.deadline] : []),
  ];
  const deadline = Math.min(...ends);
  return facts.now < deadline ? { kind: 'grace', deadline } : { kind: 'required' };
}

/** What the registry says of a method, for the method rules. */
export interface MethodFacts {
  id: string;
  role: 'factor' | 'recovery';
  phishingResistant: boolean;
}

/**
 * The factors a user may use under the policy: `methods.allowed` (default: all), and only
 * phishing-resistant ones for a user with a role in `methods.phishingResistantFor`. Recovery
 * methods are not listed: they count while an allowed factor is on.
 */
export function permittedFactors(
  policy: Policy,
  roles: readonly string[],
  methods: readonly MethodFacts[],
): Set<string> {
  const { allowed, phishingResistantFor } = policy.methods;
  const strict = phishingResistantFor?.some((role) => roles.includes(role)) === true;
  return new Set(
    methods
      .filter((m) => m.role === 'factor')
      .filter((m) => allowed === undefined || allowed.includes(m.id))
      .filter((m) => !strict || m.phishingResistant)
      .map((m) => m.id),
  );
}
