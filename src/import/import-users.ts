import type { TwoFactor } from '../app/create-two-factor.js';
import { contextOf } from '../app/internals.js';
import { FactorkitError, InvalidInputError } from '../core/errors.js';
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
import { canonicalText, type ImportedUser, parseImportedUser } from './imported-user.js';

/**
 * One user as {@link prepareUsers} validated and sealed them: plain data that a worker thread can
 * post (sealed secrets only, never one in clear), or the refusal naming the field.
 */
export type PreparedUser =
  | { ok: true; user: Omit<PreparedImport, 'ctx' | 'canonical'> }
  | { ok: false; field: string; message: string };

/** The users argument of a bulk call: an array (each user is validated on its own). */
function usersArray(inputs: unknown, name: string): readonly unknown[] {
  if (!Array.isArray(inputs)) throw new InvalidInputError(name, 'expected an array of users');
  return inputs;
}

/** Refusals are per user; an outage or a bug stops the whole call. */
const refusal = (error: unknown): PreparedUser => {
  if (!(error instanceof FactorkitError) || error.code !== 'INVALID_INPUT') throw error;
  const field = error.field ?? 'user';
  return { ok: false, field, message: error.message.replace(`[factorkit] ${field}: `, '') };
};

/**
 * Validates and seals users as {@link importUsers} does before it asks the store, and answers them
 * as plain data: what `npx factorkit import` does on worker threads, each with a facade of the same
 * keys and policy, before {@link importPrepared} writes them on the main thread.
 * @throws {FactorkitError} `INVALID_INPUT` (field `users`) when `inputs` is not an array; `CONFIG` for
 *   something other than a facade.
 */
export async function prepareUsers(
  tf: TwoFactor,
  inputs: readonly unknown[],
  options: ImportOptions = {},
): Promise<PreparedUser[]> {
  const ctx = contextOf(tf);
  return prepareAll(ctx, usersArray(inputs, 'users'), ctx.now(), options);
}

function prepareAll(
  ctx: MethodContext,
  inputs: readonly unknown[],
  now: number,
  options: ImportOptions,
): Promise<PreparedUser[]> {
  return Promise.all(
    inputs.map((input) =>
      prepareImport(ctx, input, now, options).then(
        ({ ctx: _ctx, canonical: _canonical, ...user }): PreparedUser => ({ ok: true, user }),
        refusal,
      ),
    ),
  );
}

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
 *   not be written: run it again, an import is idempotent); `INVALID_INPUT` (field `users`) when
 *   `inputs` is not an array; `CONFIG` for something other than a facade.
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
  const users = usersArray(inputs, 'users');
  return commitAll(ctx, users, await prepareAll(ctx, users, now, options), now, options);
}

/**
 * The second half of {@link importUsers}: writes the users `inputs` that {@link prepareUsers}
 * prepared (on this thread or another, with the same keys; `prepared` in the order of `inputs`),
 * with the same answers, commits and events.
 * @throws as {@link importUsers}; `BUG` when `prepared` does not match `inputs`.
 */
export async function importPrepared(
  tf: TwoFactor,
  inputs: readonly unknown[],
  prepared: readonly PreparedUser[],
  options: ImportOptions = {},
): Promise<Array<PromiseSettledResult<ImportResult>>> {
  const ctx = contextOf(tf);
  usersArray(inputs, 'users');
  if (prepared.length !== inputs.length)
    throw new FactorkitError('BUG', `${prepared.length} prepared users for ${inputs.length} inputs`);
  return commitAll(ctx, inputs, prepared, ctx.now(), options);
}

/**
 * A prepared user with this thread's context. Their canonical text (secrets in clear, so never
 * posted between threads) comes again from their input, only for a user the store already has.
 */
const withContext = (
  ctx: MethodContext,
  input: unknown,
  user: Omit<PreparedImport, 'ctx' | 'canonical'>,
) => ({
  ctx,
  ...user,
  canonical: () => canonicalText(parseImportedUser(input)),
});

async function commitAll(
  ctx: MethodContext,
  inputs: readonly unknown[],
  prepared: readonly PreparedUser[],
  now: number,
  options: ImportOptions,
): Promise<Array<PromiseSettledResult<ImportResult>>> {
  const ready = prepared.flatMap((p, i): PreparedImport[] =>
    p.ok ? [withContext(ctx, inputs[i], p.user)] : [],
  );
  const firsts = options.dryRun
    ? []
    : await commitEach(
        ctx,
        ready.map((p) => p.firstOps),
        now,
      );
  let next = 0;
  return Promise.all(
    prepared.map(async (p): Promise<PromiseSettledResult<ImportResult>> => {
      if (!p.ok) return { status: 'rejected', reason: new InvalidInputError(p.field, p.message) };
      const index = next++;
      const user = ready[index]!;
      const value = firsts[index]?.ok
        ? await importDone(user, 'imported')
        : await decideImport(user, now, options);
      return { status: 'fulfilled', value };
    }),
  );
}
