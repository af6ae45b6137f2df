import type { Policy } from '../core/policy/policy-schema.js';
import { permittedFactors, type Requirement, requirementOf } from '../core/policy/requirement.js';
import type { MethodModule } from '../methods/method-module.js';
import type { MethodDemand } from '../methods/proof.js';
import type { ChallengeMethod } from '../methods/registry.js';
import { type UserRecords, userField } from '../methods/user-records.js';
import { userFields } from '../store/layout.js';
import type { Context } from './context.js';

/** What the method rules need of each method, as the registry lists them. */
const factsOf = (modules: readonly MethodModule[]) =>
  modules.map((m) => ({ id: m.id, role: m.role, phishingResistant: m.phishingResistant === true }));
const recoveryOf = (modules: readonly MethodModule[]) =>
  new Set(modules.filter((m) => m.role === 'recovery').map((m) => m.id));

/** A user's standing under the policy's rules. */
export interface UserRules {
  /** The methods a challenge may offer this user now (allowed factors that are on, and recovery with one). */
  offered: ChallengeMethod[];
  /** The rule for this user while they have no allowed method. */
  requirement: Requirement;
  /** Whether a proof of `method` counts (a forbidden method's code fails like a wrong one). */
  permits(method: string): boolean;
}

/** Whether the rules depend on who the user is (their roles), so whether to ask the host. */
const needsRoles = (policy: Policy) =>
  (typeof policy.required === 'object' && policy.required.roles !== undefined) ||
  (policy.methods.phishingResistantFor?.length ?? 0) > 0;

const instant = (value: string | undefined) => (value === undefined ? null : Number(value));

/**
 * The policy's rules applied to one user: which methods count (`methods.allowed`, phishing-resistant
 * for some roles) and whether setup is required, recommended (grace) or neither. Roles come from
 * `roles` when the caller has them, otherwise from `rolesOf`, asked only when a rule names roles.
 */
export async function userRules(
  ctx: Context,
  userId: string,
  policy: Policy,
  user: UserRecords,
  options: { roles?: readonly string[] | undefined; now: number; demand?: MethodDemand },
): Promise<UserRules> {
  const roles = options.roles ?? (needsRoles(policy) ? await ctx.orgs.rolesOf(userId) : []);
  const permitted = permittedFactors(policy, roles, factsOf(ctx.modules));
  const recovery = recoveryOf(ctx.modules);
  const factorOn = ctx.methods.enabledFactors(user).some((factor) => permitted.has(factor));
  const permits = (method: string) => permitted.has(method) || (recovery.has(method) && factorOn);
  return {
    offered: ctx.methods
      .offered(user, options.demand ?? { phishingResistant: false })
      .filter(permits) as ChallengeMethod[],
    requirement: requirementOf(policy, {
      roles,
      graceStartedAt: instant(userField(user, userFields.graceAt)),
      enrolledAt: instant(userField(user, userFields.enrolledAt)),
      now: options.now,
    }),
    permits,
  };
}

/**
 * Whether a proof of `method` counts on a challenge: a method a challenge lists must be among the
 * ones this challenge offered (what the policy allowed this user when it started), and a factor
 * must still be allowed by the policy now. A method never listed (an admin-issued code) counts
 * whenever the challenge exists, as before.
 */
export function proofCounts(
  ctx: Context,
  policy: Policy,
  challenge: Readonly<Record<string, string>>,
  method: string,
): boolean {
  const module = ctx.modules.find((m) => m.id === method);
  if (!module?.offered) return true;
  if (!(challenge['methods'] ?? '').split(',').includes(method)) return false;
  const { allowed } = policy.methods;
  return module.role === 'recovery' || allowed === undefined || allowed.includes(method);
}
