import type { Actor } from '../core/events.js';
import type { Policy, PolicyInput } from '../core/policy/policy-schema.js';
import type { MethodContext } from '../methods/context.js';

/** The admin actions `authorize` decides. */
export type AdminAction = 'issue-backup-code' | 'reset-2fa';

/** Everything the facade's use cases share: the methods' context, plus admin and policy writes. Internal. */
export interface Context extends MethodContext {
  authorize: (actor: Actor, action: AdminAction, targetUserId: string) => boolean | Promise<boolean>;
  /** Stores a new policy over the current one. */
  setPolicy(input: PolicyInput): Promise<Policy>;
}
