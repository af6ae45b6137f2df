import { z } from 'zod';
import type { Actor } from '../core/events.js';
import type { Policy, PolicyInput } from '../core/policy/policy-schema.js';
import { actorSchema, parseInput, storableText, userIdSchema } from '../core/validation.js';
import { authorizeOrThrow } from './admin-scope.js';
import type { Context } from './context.js';
import { ANY_ORG } from './orgs.js';

/** Which policy: an org's, a user's (their org's, found with `orgOf`), or the platform's (neither). */
export interface PolicyScope {
  org?: string | undefined;
  userId?: string | undefined;
}

/** The policy: "Global Settings > Security > 2FA Authentication", per org when the host has orgs. */
export interface PolicyApi {
  /**
   * The effective policy: code defaults, `createTwoFactor` defaults, the platform policy, then the
   * org's (`org`, or the org of `userId`); the platform's without either.
   */
  get(options?: PolicyScope): Promise<Policy>;
  /**
   * Stores overrides (compare-and-set, so concurrent saves never lose a change) in the platform
   * policy, or in `org`'s (which keeps only what it changed). With an `actor`, the actor's scope is
   * checked as for every admin action (`NOT_AUTHORIZED` outside its org). Audited as
   * `policy.changed` with the org, the `actor` (when given) and every field set.
   */
  set(input: PolicyInput, options?: { org?: string | undefined; actor?: Actor | undefined }): Promise<Policy>;
}

/**
 * A policy input is an object (its fields are checked as the policy they produce); the methods it
 * allows are factors the registry lists.
 */
const policyInputSchema = (factorIds: readonly string[]) =>
  z.looseObject({
    methods: z
      .looseObject({ allowed: z.array(z.enum(factorIds as [string, ...string[]])).optional() })
      .optional(),
  });
const orgSchema = storableText()
  .min(1)
  .max(256)
  .refine((org) => org !== ANY_ORG, "'*' is no org");
const scopeSchema = z.object({ org: orgSchema.optional(), userId: userIdSchema.optional() }).optional();
const setOptionsSchema = z.object({ org: orgSchema.optional(), actor: actorSchema.optional() }).optional();

export function createPolicyApi(ctx: Context): PolicyApi {
  return {
    async get(options) {
      const scope = parseInput(scopeSchema, options, 'options') ?? {};
      if (scope.org !== undefined) return ctx.policy({ fresh: true, org: scope.org });
      return ctx.policy({ fresh: true, ...(scope.userId !== undefined ? { userId: scope.userId } : {}) });
    },
    async set(input, options) {
      parseInput(policyInputSchema(ctx.methods.factorIds), input, 'policy');
      const { org, actor: actorInput } = parseInput(setOptionsSchema, options, 'options') ?? {};
      const actor =
        actorInput === undefined
          ? undefined
          : ctx.orgs.enabled
            ? // The platform policy is under every org's: only an operator's scope ('*') covers it.
              await authorizeOrThrow(ctx, actorInput as Actor, 'set-policy', { org: org ?? ANY_ORG })
            : (actorInput as Actor);
      const policy = await ctx.setPolicy(input, { org: org ?? null });
      const set = Object.keys(input ?? {});
      const detail = Object.fromEntries(
        set.map((name) => [name, JSON.stringify(policy[name as keyof Policy])]),
      );
      await ctx.emit({
        type: 'policy.changed',
        ...(actor ? { actor } : {}),
        ...(org !== undefined ? { org } : {}),
        detail: { changed: set.join(','), ...detail },
      });
      return policy;
    },
  };
}
