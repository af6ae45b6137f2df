import { contextOf } from '../app/internals.js';
import { parseInput, userIdSchema } from '../core/validation.js';
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
export async function exportUser(tf: object, userIdInput: string): Promise<ImportedUser | null> {
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
