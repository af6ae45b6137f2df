import type { TwoFactor } from '../app/create-two-factor.js';
import { contextOf } from '../app/internals.js';
import { FactorkitError } from '../core/errors.js';
import type { MethodContext } from '../methods/context.js';
import type { CommitResult, StoreOp } from '../store/store.js';
import {
  decideImport,
  type ImportOptions,
  type ImportResult,
  importDone,
  type PreparedImport,
  prepareImport,
} from './import-user.js';
import type { ImportedUser } from './imported-user.js';

/** Refusals are per user; an outage or a bug stops the whole call. */
const refusal = (error: unknown): PromiseRejectedResult => {
  if (error instanceof FactorkitError && error.code === 'INVALID_INPUT')
    return { status: 'rejected', reason: error };
  throw error;
};

/** Each batch as one commit: the store's `commitEach` when it has one, else one `commit` per batch, all at once. */
function commitEach(
  ctx: MethodContext,
  batches: readonly (readonly StoreOp[])[],
  now: number,
): Promise<CommitResult[]> {
  if (batches.length === 0) return Promise.resolve([]);
  if (ctx.store.commitEach) return ctx.store.commitEach(batches, now);
  return Promise.all(batches.map((ops) => ctx.store.commit(ops, now)));
}

/**
 * Imports many users as {@link importUser} imports one, with one store call for all the new ones
 * (`Store.commitEach`: one round trip on PostgreSQL, one transaction on SQLite, the scripts sent at
 * once on Redis; one commit each, all at once, on a store without it). Each user is still written in
 * one atomic commit of their own: a user whose commit is refused (they have a method on, or changed
 * meanwhile) is read and decided alone, exactly as `importUser` does, and undoes no other.
 *
 * Answers one settled result per input, in order: `fulfilled` with the {@link ImportResult}, or
 * `rejected` with the `INVALID_INPUT` error naming the field (that user is untouched).
 *
 * @throws {FactorkitError} `STORE_UNAVAILABLE` when the store fails (users of the call may or may
 *   not be written: run it again, an import is idempotent); `CONFIG` for something other than a facade.
 * @example
 * const results = await importUsers(tf, users, { replace: false });
 * for (const r of results) if (r.status === 'rejected') console.log(r.reason.message);
 */
export async function importUsers(
  tf: TwoFactor,
  inputs: readonly ImportedUser[],
  options: ImportOptions = {},
): Promise<Array<PromiseSettledResult<ImportResult>>> {
  const ctx = contextOf(tf);
  const now = ctx.now();
  const prepared = await Promise.all(
    inputs.map((input) =>
      prepareImport(ctx, input, now, options).then(
        (value): PromiseFulfilledResult<PreparedImport> => ({ status: 'fulfilled', value }),
        refusal,
      ),
    ),
  );
  const ready = prepared.flatMap((p) => (p.status === 'fulfilled' ? [p.value] : []));
  const firsts = options.dryRun
    ? []
    : await commitEach(
        ctx,
        ready.map((p) => p.firstOps),
        now,
      );
  const firstOf = new Map(ready.map((p, i) => [p, firsts[i]]));
  return Promise.all(
    prepared.map(async (p): Promise<PromiseSettledResult<ImportResult>> => {
      if (p.status === 'rejected') return p;
      const value = firstOf.get(p.value)?.ok
        ? await importDone(p.value, 'imported')
        : await decideImport(p.value, now, options);
      return { status: 'fulfilled', value };
    }),
  );
}
