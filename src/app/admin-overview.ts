import { z } from 'zod';
import { FactorkitError } from '../core/errors.js';
import type { Actor } from '../core/events.js';
import { parseInput, userIdSchema } from '../core/validation.js';
import { authorizeOrThrow } from './admin-scope.js';
import type { Context } from './context.js';
import { ANY_ORG } from './orgs.js';
import { STATUS_MANY_LIMIT, type UserStatus } from './status-many.js';

/** Backup codes at or under this count are "low" in the overview. */
export const LOW_BACKUP_CODES = 3;

/** Who is covered, in one org: what "Security > 2FA Authentication" shows an admin. */
export interface Overview {
  users: number;
  /** Users with an allowed method on. */
  enrolled: number;
  /** Users per factor on (registry ids): a user with two counts twice. */
  byMethod: Record<string, number>;
  withoutTwoFactor: number;
  /** Without a method, required, still in grace. */
  inGrace: number;
  /** Without a method, required, past grace (they set up at their next sign-in). */
  required: number;
  lockedNow: number;
  /** Enrolled, with at most {@link LOW_BACKUP_CODES} backup codes left. */
  lowBackupCodes: number;
}

const optionsSchema = z.object({ userIds: z.array(userIdSchema).max(STATUS_MANY_LIMIT) });

/** Sums a list of statuses (pure). */
export function summarize(statuses: Iterable<UserStatus>): Overview {
  const overview: Overview = {
    users: 0,
    enrolled: 0,
    byMethod: {},
    withoutTwoFactor: 0,
    inGrace: 0,
    required: 0,
    lockedNow: 0,
    lowBackupCodes: 0,
  };
  for (const status of statuses) {
    overview.users++;
    for (const method of status.methods) overview.byMethod[method] = (overview.byMethod[method] ?? 0) + 1;
    if (status.setup === 'enrolled') overview.enrolled++;
    else overview.withoutTwoFactor++;
    if (status.setup === 'grace') overview.inGrace++;
    if (status.setup === 'required') overview.required++;
    if (status.lockedUntil !== null) overview.lockedNow++;
    if (status.setup === 'enrolled' && status.backupCodesRemaining <= LOW_BACKUP_CODES)
      overview.lowBackupCodes++;
  }
  return overview;
}

/**
 * `admin.overview`: the standing of the users the host lists (its directory, not factorkit's), for
 * an admin of their org. Asked of `authorize` once (`read-status`, no target user); every listed
 * user must be in the actor's org (an operator's: any), else the whole call is `NOT_AUTHORIZED`.
 */
export function createOverview(
  ctx: Context,
  statusMany: (userIds: readonly string[]) => Promise<Map<string, UserStatus>>,
) {
  return async (actorInput: Actor, optionsInput: { userIds: readonly string[] }): Promise<Overview> => {
    const { userIds } = parseInput(optionsSchema, optionsInput, 'options');
    const actor = await authorizeOrThrow(ctx, actorInput, 'read-status', {
      org: ctx.orgs.enabled ? (actorInput?.org ?? null) : null,
    });
    const statuses = await statusMany(userIds);
    if (ctx.orgs.enabled && actor.org !== ANY_ORG) {
      const outside = [...statuses.values()].some((status) => status.org !== (actor.org ?? null));
      if (outside)
        throw new FactorkitError('NOT_AUTHORIZED', `actor ${actor.id} listed users outside its own org`);
    }
    return summarize(statuses.values());
  };
}
