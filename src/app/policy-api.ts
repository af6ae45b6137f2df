import { z } from 'zod';
import type { Actor } from '../core/events.js';
import type { Policy, PolicyInput } from '../core/policy/policy-schema.js';
import { actorSchema, parseInput } from '../core/validation.js';
import type { Context } from './context.js';

/** The org policy: "Global Settings > Security > 2FA Authentication". */
export interface PolicyApi {
  /** The effective policy (code defaults, `createTwoFactor` defaults, then what `set` stored). */
  get(): Promise<Policy>;
  /**
   * Stores overrides (compare-and-set, so concurrent saves never lose a change). Audited as
   * `policy.changed` with the `actor` (when given) and every field set.
   */
  set(input: PolicyInput, options?: { actor?: Actor | undefined }): Promise<Policy>;
}

/** A policy input is an object (its fields are checked as the policy they produce). */
const policyInputSchema = z.looseObject({});

export function createPolicyApi(ctx: Context): PolicyApi {
  return {
    get: () => ctx.policy({ fresh: true }),
    async set(input, options) {
      parseInput(policyInputSchema, input, 'policy');
      const actor =
        options?.actor === undefined ? undefined : (parseInput(actorSchema, options.actor, 'actor') as Actor);
      const policy = await ctx.setPolicy(input);
      const set = Object.keys(input ?? {});
      const detail = Object.fromEntries(
        set.map((name) => [name, JSON.stringify(policy[name as keyof Policy])]),
      );
      await ctx.emit({
        type: 'policy.changed',
        ...(actor ? { actor } : {}),
        detail: { changed: set.join(','), ...detail },
      });
      return policy;
    },
  };
}
