import type { TwoFactor } from '../app/create-two-factor.js';
import { contextOf } from '../app/internals.js';
import { fingerprintMatches, sealFingerprint } from '../app/keys/import-fingerprint.js';
import type { MethodContext } from '../methods/context.js';
import { turningOn } from '../methods/enable.js';
import { type UserRecords, userField } from '../methods/user-records.js';
import { userFields } from '../store/layout.js';
import type { Fields, StoreOp } from '../store/store.js';
import { floorKept, importOps, learntKept } from './import-commit.js';
import { enrolmentState, sinceImport, writtenRecords } from './import-state.js';
import { canonicalText, type ImportedUser, parseImportedUser } from './imported-user.js';
import { transfers } from './transfers.js';

/** Options of {@link importUser}. */
export interface ImportOptions {
  /**
   * Replace a user whose methods are not (or no longer) what an import wrote: their own enrolment,
   * or changes they made in factorkit since (atomically; their trusted browsers and sessions end).
   */
  replace?: boolean | undefined;
  /** Validate and decide, write nothing: the result says what an import would do. */
  dryRun?: boolean | undefined;
}

/**
 * Why an import left a user as they were:
 * - `already-enrolled`: they enrolled in factorkit themselves (no import wrote their methods);
 * - `changed-in-factorkit`: an import wrote their methods, and they changed them in factorkit since
 *   (a new app or key, new backup codes, a code used, a method removed);
 * - `kept-changing`: their records changed between each read and commit of every attempt (a
 *   sign-in or a setup at that very moment): running the import again decides them.
 */
export type SkipReason = 'already-enrolled' | 'changed-in-factorkit' | 'kept-changing';

/**
 * What an import did (or, in a dry run, would do):
 * - `imported`: the user had no method on and now has the imported ones (2FA turns on: every
 *   session they had ends, as when they turn it on themselves); or (`updated: true`) they had
 *   exactly what an earlier import wrote, and now have the source's current data (a re-run at the
 *   cut-over: a backup code used in the old system since no longer works; the TOTP replay floor
 *   stays the higher of both; their sessions stay);
 * - `replaced`: with `replace`, the user's own methods or changes were swapped for the imported
 *   ones (their trusted browsers and sessions end);
 * - `unchanged`: this very import was done before and nothing changed since, in the source or in
 *   factorkit (re-running an import changes nothing: a code used since stays used);
 * - `skipped`: the user is left as they were, for {@link SkipReason} `reason`.
 */
export type ImportResult = {
  userId: string;
  /** The methods the import brings (`totp`, `webauthn`, `email`, `backup-code`). */
  methods: string[];
  dryRun: boolean;
} & (
  | { outcome: 'imported'; updated?: true }
  | { outcome: 'replaced' | 'unchanged' }
  | { outcome: 'skipped'; reason: SkipReason }
);

/** Rounds of read-decide-commit when the user changes between the read and the commit. */
const ROUNDS = 4;

/** One user validated and sealed, and the commit that imports them if they have no method on. */
export interface PreparedImport {
  ctx: MethodContext;
  userId: string;
  /** The user's canonical text (it holds their secrets in clear): asked only when deciding. */
  canonical(): string;
  base: Omit<ImportResult, 'outcome'>;
  fields: Fields;
  written: StoreOp[];
  /** The commit guarded by "no method on": what a new user needs, one round trip. */
  firstOps: StoreOp[];
}

/**
 * Validates and seals one user: everything an import does before the store is asked. The fields
 * carry what turning 2FA on stamps, the fingerprint of the source and the state the commit leaves.
 * @throws `INVALID_INPUT` naming the field.
 */
export async function prepareImport(
  ctx: MethodContext,
  input: unknown,
  now: number,
  options: ImportOptions,
): Promise<PreparedImport> {
  const user = parseImportedUser(input);
  const { userId } = user;
  const canonical = canonicalText(user);
  const present = transfers.filter((t) => user.methods[t.field] !== undefined);
  const writes = await Promise.all(present.map((t) => t.write(ctx, userId, user.methods[t.field], now)));
  const base = { userId, methods: present.map((t) => t.method), dryRun: options.dryRun === true };
  const { stamp, endAll } = turningOn(ctx, userId, now);
  const fields: Fields = Object.assign({}, ...writes.map((w) => w.fields), stamp);
  fields[userFields.imported] = sealFingerprint(ctx.keyring, userId, canonical);
  const written = writes.flatMap((w) => w.ops);
  fields[userFields.importedState] = enrolmentState(writtenRecords(ctx, userId, fields, written));
  // 2FA turns on: as when the user turns it on, the sessions signed in with the password alone end.
  const firstOps = [...importOps(ctx, userId, null, fields, written), endAll(await ctx.policy({ userId }))];
  return { ctx, userId, canonical: () => canonical, base, fields, written, firstOps };
}

/** Reports `import.user` (the methods, never a secret) and answers the outcome. */
export async function importDone(
  p: PreparedImport,
  outcome: 'imported' | 'replaced',
  updated = false,
): Promise<ImportResult> {
  const detail = { methods: p.base.methods.join(','), replaced: outcome === 'replaced', updated };
  await p.ctx.emit({ type: 'import.user', userId: p.userId, detail });
  return { ...p.base, outcome, ...(updated ? { updated: true as const } : {}) };
}

/** What to do with a user who has a method on, read as `records`. */
type Decision =
  | { do: 'update' | 'replace' }
  | { do: 'leave'; result: { outcome: 'unchanged' } | { outcome: 'skipped'; reason: SkipReason } };

function decide(p: PreparedImport, records: UserRecords, options: ImportOptions): Decision {
  const since = sinceImport(records);
  if (since !== 'changed') {
    const prior = userField(records, userFields.imported)!;
    // The same source again: a code used since stays used (the import wrote it that way).
    if (fingerprintMatches(p.ctx.keyring, p.userId, prior, p.canonical()))
      return { do: 'leave', result: { outcome: 'unchanged' } };
    if (since === 'as-written') return { do: 'update' };
  }
  if (options.replace === true) return { do: 'replace' };
  const reason =
    userField(records, userFields.imported) === undefined ? 'already-enrolled' : 'changed-in-factorkit';
  return { do: 'leave', result: { outcome: 'skipped', reason } };
}

/**
 * The user as the store has them decides: none on (`imported`); exactly what an import wrote, from
 * this very source (`unchanged`) or an earlier state of it (`imported`, `updated`); their own
 * methods or changes (`skipped`, or `replaced` with `replace`). Then the commit guarded by the
 * record as read; runs again when the user changed between the read and the commit.
 */
export async function decideImport(
  p: PreparedImport,
  now: number,
  options: ImportOptions,
): Promise<ImportResult> {
  const { ctx, userId, base } = p;
  for (let round = 0; round < ROUNDS; round++) {
    const records = await ctx.methods.loadUser(userId);
    if (ctx.methods.enabledFactors(records).length === 0) {
      if (options.dryRun) return { ...base, outcome: 'imported' };
      if ((await ctx.store.commit(p.firstOps, now)).ok) return importDone(p, 'imported');
      continue;
    }
    const decision = decide(p, records, options);
    if (decision.do === 'leave') return { ...base, ...decision.result };
    const replacing = decision.do === 'replace';
    if (options.dryRun)
      return replacing ? { ...base, outcome: 'replaced' } : { ...base, outcome: 'imported', updated: true };
    const written = learntKept(userId, p.written, records);
    const ops = importOps(ctx, userId, records, floorKept(p.fields, records), written);
    if (replacing) {
      const policy = await ctx.policy({ userId });
      ops.push(ctx.devices.revokeAllOp(userId), ctx.sessions.endAllOp(userId, policy.sessionMaxAgeMs));
    }
    if ((await ctx.store.commit(ops, now)).ok)
      return replacing ? importDone(p, 'replaced') : importDone(p, 'imported', true);
    // The user changed between the read and the commit (a setup, a login, another import): decide again.
  }
  return { ...base, outcome: 'skipped', reason: 'kept-changing' };
}

/**
 * Imports one user's enrolments from another system: validated (a bad field is `INVALID_INPUT`
 * naming it), secrets sealed with the keyring like any enrolment, written in one atomic commit (the
 * user is fully imported or untouched). Idempotent; a user already enrolled is skipped unless
 * `replace`. Reports `import.user` with the methods (never a secret). Many users at once:
 * {@link importUsers}.
 *
 * @throws {FactorkitError} `INVALID_INPUT` naming the field; `CONFIG` for something other than a facade.
 * @example
 * await importUser(tf, { userId: 'u1', totp: { secret: 'JBSWY3DPEHPK3PXP' }, backupCodes: ['3x9f-k2m4'] });
 */
export async function importUser(
  tf: TwoFactor,
  input: ImportedUser,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const ctx = contextOf(tf);
  const now = ctx.now();
  const prepared = await prepareImport(ctx, input, now, options);
  // Most users of an import are new: the commit guarded by "no method on" goes first, one round
  // trip; only when that guard fails is the user read and the case decided.
  if (!options.dryRun && (await ctx.store.commit(prepared.firstOps, now)).ok)
    return importDone(prepared, 'imported');
  return decideImport(prepared, now, options);
}
