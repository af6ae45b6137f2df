import type { Policy, PolicyInput } from '../core/policy/policy-schema.js';
import type { Context } from './context.js';

/** The org policy: "Global Settings > Security > 2FA Authentication". */
export interface PolicyApi {
  /** The effective policy (code defaults, `createTwoFactor` defaults, then what `set` stored). */
  get(): Promise<Policy>;
  /** Stores overrides (compare-and-set, so concurrent saves never lose a change); audited as `policy.changed`. */
  set(input: PolicyInput): Promise<Policy>;
}

export function createPolicyApi(ctx: Context): PolicyApi {
  return {
    get: () => ctx.policy({ fresh: true }),
    async set(input) {
      const policy = await ctx.setPolicy(input);
      await ctx.emit({ type: 'policy.changed', detail: { frequency: JSON.stringify(policy.frequency) } });
      return policy;
    },
  };
}
