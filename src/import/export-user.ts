import type { TwoFactor } from '../app/create-two-factor.js';
import { contextOf } from '../app/internals.js';
import { FactorkitError } from '../core/errors.js';
import { parseInput, userIdSchema } from '../core/validation.js';
import { userIdFromTag } from '../store/keys.js';
import type { Store } from '../store/store.js';
import type { ImportedUser } from './imported-user.js';
import { transfers } from './transfers.js';

/**
 * One user's enrolments in the line format `importUser` reads, secrets in clear (TOTP keys,
 * viewable backup codes; hashed codes as their keyed hashes, usable only with the same keys), or
 * null when the user has no method on. Leaving factorkit, or moving to a fresh store: export, then
 * import, and every user signs in as before.
 *
 * @throws {FactorkitError} `INVALID_INPUT` for a bad user id; `CONFIG` for something other than a facade.
 */
export async function exportUser(tf: TwoFactor, userIdInput: string): Promise<ImportedUser | null> {
  const ctx = contextOf(tf);
  const userId = parseInput(userIdSchema, userIdInput, 'userId');
  const records = await ctx.methods.loadUser(userId);
  if (ctx.methods.enabledFactors(records).length === 0) return null;
  const user: Record<string, unknown> = { userId };
  for (const transfer of transfers) {
    const value = await transfer.read(ctx, userId, records);
    if (value !== undefined) user[transfer.field] = value;
  }
  return user as unknown as ImportedUser;
}

const USER_KEY = /\{([A-Za-z0-9_-]+)\}:user$/;

/** Every user id with a `{tag}:user` record, a page at a time, from the store's scan. */
async function* scannedUserIds(store: Store, now: () => number): AsyncGenerator<string> {
  const scan = store.scan;
  if (!scan)
    throw new FactorkitError(
      'CONFIG',
      'this store cannot list its users (no scan): pass the user ids to export',
    );
  let cursor = '';
  do {
    const page = await scan.call(store, cursor, 500, now());
    for (const key of page.keys) {
      const tag = USER_KEY.exec(key)?.[1];
      const userId = tag === undefined ? null : userIdFromTag(tag);
      if (userId !== null) yield userId;
    }
    cursor = page.cursor;
  } while (cursor !== '');
}

/**
 * Every user with a method on, one at a time (memory stays flat): the users `userIds` names, or
 * else every user of the store (through its `scan`; a store without it is `CONFIG`). A scan may
 * name a user twice (`Store.scan`), so an export file may hold a user twice: importing it is
 * idempotent.
 */
export async function* exportUsers(
  tf: TwoFactor,
  userIds?: AsyncIterable<string> | Iterable<string>,
): AsyncGenerator<ImportedUser> {
  const ctx = contextOf(tf);
  const ids = userIds ?? scannedUserIds(ctx.store, ctx.now);
  for await (const userId of ids) {
    const user = await exportUser(tf, userId);
    if (user) yield user;
  }
}
