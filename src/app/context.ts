import type { Actor } from '../core/events.js';
import type { Policy, PolicyInput } from '../core/policy/policy-schema.js';
import type { MethodContext } from '../methods/context.js';
import type { MethodModule } from '../methods/method-module.js';
import type { MethodAdminAction } from '../methods/registry.js';
import type { OrgAccess } from './orgs.js';

/** The admin actions `authorize` decides: the facade's own, and those of the methods' admin calls. */
export type AdminAction = 'reset-2fa' | 'read-status' | 'set-policy' | MethodAdminAction;

/**
 * What `authorize` answers: `true` lets an actor act inside its own org; `'any-org'` also lets an
 * actor whose `org` is `'*'` act in every org (a platform operator, never the default).
 */
export type AuthorizeAnswer = boolean | 'any-org';

/** Everything the facade's use cases share: the methods' context, plus admin and policy writes. Internal. */
export interface Context extends MethodContext {
  authorize: (
    actor: Actor,
    action: AdminAction,
    targetUserId: string,
    scope: { org: string | null },
  ) => AuthorizeAnswer | Promise<AuthorizeAnswer>;
  /** Every registered method module, factors first (the policy's method rules read their role and flags). */
  modules: readonly MethodModule[];
  /** Membership, as the host's `orgOf` and `rolesOf` tell it. */
  orgs: OrgAccess;
  /** Stores a new policy over the current one: the platform's, or one org's. */
  setPolicy(input: PolicyInput, options?: { org?: string | null }): Promise<Policy>;
}
