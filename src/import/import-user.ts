import type { TwoFactor } from '../app/create-two-factor.js';
import { contextOf } from '../app/internals.js';
import { fingerprintMatches, sealFingerprint } from '../app/keys/import-fingerprint.js';
import type { MethodContext } from '../methods/context.js';
import type { UserRecords } from '../methods/user-records.js';
import { storeKeys } from '../store/keys.js';
import { userFields } from '../store/layout.js';
import type { Fields, StoreOp } from '../store/store.js';
import { canonicalText, type ImportedUser, parseImportedUser } from './imported-user.js';
import { transfers } from './transfers.js';

/** Options of {@link importUser}. */
export interface ImportOptions {
  /** Replace a user who already has a method on (atomically; their trusted browsers and sessions end). */
  replace?: boolean | undefined;
  /** Validate and decide, write nothing: the result says what an import would do. */
  dryRun?: boolean | undefined;
}

/**
 * What an import did (or, in a dry run, would do):
 * - `imported`: the user had no method on and now has the imported ones;
 * - `replaced`: the user had methods on and `replace` swapped them for the imported ones;
 * - `unchanged`: this very import was done before (re-running an import changes nothing: a code
 *   used since stays used);
 * - `skipped` (`already-enrolled`): the user has methods on that another import or their own
 *   setup gave them; pass `replace` to overwrite them.
 */
export type ImportResult = {
  userId: string;
  /** The methods the import brings (`totp`, `webauthn`, `email`, `backup-code`). */
  methods: string[];
  dryRun: boolean;
} & ({ outcome: 'imported' | 'replaced' | 'unchanged' } | { outcome: 'skipped'; reason: 'already-enrolled' });

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
 * Validates and seals one user: everything an import does before the store is asked.
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
  const fields: Fields = Object.assign({}, ...writes.map((w) => w.fields));
  fields[userFields.imported] = sealFingerprint(ctx.keyring, userId, canonical);
  const written = writes.flatMap((w) => w.ops);
  const firstOps = await importOps(ctx, userId, null, fields, written);
  return { ctx, userId, canonical: () => canonical, base, fields, written, firstOps };
}

/** Reports `import.user` (the methods, never a secret) and answers the outcome. */
export async function importDone(p: PreparedImport, outcome: 'imported' | 'replaced'): Promise<ImportResult> {
  const detail = { methods: p.base.methods.join(','), replaced: outcome === 'replaced' };
  await p.ctx.emit({ type: 'import.user', userId: p.userId, detail });
  return { ...p.base, outcome };
}

/**
 * The user as the store has them decides: the same import done before (`unchanged`), someone else's
 * methods (`skipped`, or `replaced` with `replace`), or none (`imported`); then the commit guarded
 * by the record as read. Runs again when the user changed between the read and the commit.
 */
export async function decideImport(
  p: PreparedImport,
  now: number,
  options: ImportOptions,
): Promise<ImportResult> {
  const { ctx, userId, base } = p;
  for (let round = 0; round < ROUNDS; round++) {
    const records = await ctx.methods.loadUser(userId);
    const enrolled = ctx.methods.enabledFactors(records).length > 0;
    const prior = records['user']?.fields[userFields.imported];
    if (enrolled && prior !== undefined && fingerprintMatches(ctx.keyring, userId, prior, p.canonical()))
      return { ...base, outcome: 'unchanged' };
    if (enrolled && options.replace !== true)
      return { ...base, outcome: 'skipped', reason: 'already-enrolled' };
    const outcome = enrolled ? 'replaced' : 'imported';
    if (options.dryRun) return { ...base, outcome };
    const ops = enrolled ? await importOps(ctx, userId, records, p.fields, p.written) : p.firstOps;
    if ((await ctx.store.commit(ops, now)).ok) return importDone(p, outcome);
    // The user changed between the read and the commit (a setup, a login, another import): decide again.
  }
  return { ...base, outcome: 'skipped', reason: 'already-enrolled' };
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

const owners = new WeakMap<MethodContext['methods'], { owned: string[]; factorFields: string[] }>();

/**
 * The `{tag}:user` fields an import owns, and every factor's enabled field: the same for every user
 * of a facade, so worked out once (each user of a 100,000-user import asked for them twice).
 * Every factor goes unless imported: the transfers' fields, and a factor no transfer carries (text
 * messages, a host's own method) turned off by its enabled field, so a replaced user keeps only
 * what the import brought.
 */
function ownedFields(ctx: MethodContext): { owned: string[]; factorFields: string[] } {
  let found = owners.get(ctx.methods);
  if (!found) {
    const factorFields = ctx.methods.factorFields();
    found = { owned: [...new Set([...transfers.flatMap((t) => t.clears), ...factorFields])], factorFields };
    owners.set(ctx.methods, found);
  }
  // Copies: each op is the caller's to keep.
  return { owned: found.owned, factorFields: [...found.factorFields] };
}

/**
 * The one commit of an import: `{tag}:user` set to the imported fields (every other field an import
 * owns, and every factor's enabled field, removed), guarded by no method being on or, when replacing, by the record being exactly as
 * read; the imported records written; every other record of an import's methods and every
 * pending setup deleted; when replacing, trusted browsers and sessions end as after a reset.
 */
async function importOps(
  ctx: MethodContext,
  userId: string,
  replacing: UserRecords | null,
  fields: Fields,
  written: StoreOp[],
): Promise<StoreOp[]> {
  const read = replacing?.['user'];
  const { owned: everyOwned, factorFields } = ownedFields(ctx);
  const owned = everyOwned.filter((name) => !(name in fields));
  const userOp: StoreOp = {
    type: 'merge',
    key: storeKeys.user(userId),
    fields,
    create: true,
    ...(owned.length > 0 ? { unset: owned } : {}),
    ...(read ? { match: read.fields } : { absent: factorFields }),
  };
  const ops: StoreOp[] = [userOp, ...written];
  const touched = new Set(ops.map((op) => op.key));
  const deletes = [
    ...transfers.flatMap((t) => t.keys(userId)),
    ...ctx.methods.pendingDeletes(userId).map((op) => op.key),
  ];
  for (const key of new Set(deletes)) if (!touched.has(key)) ops.push({ type: 'delete', key });
  if (read) {
    const policy = await ctx.policy({ userId });
    ops.push(ctx.devices.revokeAllOp(userId), ctx.sessions.endAllOp(userId, policy.sessionMaxAgeMs));
  }
  return ops;
}
