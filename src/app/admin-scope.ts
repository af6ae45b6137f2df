import { FactorkitError } from '../core/errors.js';
import type { Actor } from '../core/events.js';
import { actorSchema, parseInput } from '../core/validation.js';
import type { AdminAction, Context } from './context.js';
import { ANY_ORG } from './orgs.js';

/** `authorize` when the host gave none: every admin action is refused, and the refusal says why. */
export const denyEveryAdminAction = (): boolean => false;

/**
 * What an admin action is about: a user (its org found with `orgOf`), or an org itself (its
 * policy; `'*'` for the platform policy, which only an operator's scope covers).
 */
export type AdminTarget = { userId: string } | { org: string | null };

const refuse = (message: string) => new FactorkitError('NOT_AUTHORIZED', message);

/**
 * Checks an admin action: the actor's scope first, then the host's `authorize`. With `orgOf`, an
 * actor acts only on users of its own org (`actor.org`; an actor without one, only on users
 * without one): a target elsewhere is refused before `authorize` is asked, so a host's
 * role check alone never lets one site's admin reach another site's agent. An actor with
 * `org: '*'` passes the scope only if `authorize` answers `'any-org'` for it.
 */
export async function authorizeOrThrow(
  ctx: Context,
  actorInput: Actor,
  action: AdminAction,
  target: AdminTarget,
): Promise<Actor> {
  const actor = parseInput(actorSchema, actorInput, 'actor') as Actor;
  if (ctx.authorize === denyEveryAdminAction) {
    throw refuse(
      `actor ${actor.id} may not ${action}: createTwoFactor has no \`authorize\` option, and without it every admin action is denied; pass authorize: (actor, action, targetUserId) => boolean`,
    );
  }
  const targetUserId = 'userId' in target ? target.userId : '';
  const org = 'userId' in target ? await ctx.orgs.of(target.userId) : target.org;
  const operator = ctx.orgs.enabled && actor.org === ANY_ORG;
  if (ctx.orgs.enabled && !operator && (actor.org ?? null) !== org) {
    throw refuse(`actor ${actor.id} may not ${action} outside its own org`);
  }
  const answer = await ctx.authorize(actor, action, targetUserId, { org });
  if (operator && answer !== 'any-org') {
    throw refuse(
      `actor ${actor.id} has org '*' but authorize did not answer 'any-org' for ${action}: acting across orgs is allowed only when the host says so`,
    );
  }
  if (answer !== true && answer !== 'any-org') {
    throw refuse(`actor ${actor.id} may not ${action} ${'userId' in target ? 'for this user' : 'here'}`);
  }
  return actor;
}
