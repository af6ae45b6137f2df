import type { Actor } from '../core/events.js';
import type { Policy, PolicyInput } from '../core/policy/policy-schema.js';
import type { MethodContext } from '../methods/context.js';
import type { MethodAdminAction } from '../methods/registry.js';

/** The admin actions `authorize` decides: the facade's own, and those of the methods' admin calls. */
export type AdminAction = 'reset-2fa' | MethodAdminAction;

/** Everything the facade's use cases share: the methods' context, plus admin and policy writes. Internal. */
export interface Context extends MethodContext {
  authorize: (actor: Actor, action: AdminAction, targetUserId: string) => boolean | Promise<boolean>;
  /** Stores a new policy over the current one. */
  setPolicy(input: PolicyInput): Promise<Policy>;
}
