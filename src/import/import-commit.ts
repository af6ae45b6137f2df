import type { MethodContext } from '../methods/context.js';
import { lastStep } from '../methods/totp/totp-secret.js';
import type { UserRecords } from '../methods/user-records.js';
import { storeKeys } from '../store/keys.js';
import { userFields } from '../store/layout.js';
import type { Fields, StoredRecord, StoreOp } from '../store/store.js';
import { transfers } from './transfers.js';

/**
 * The imported fields with the user's TOTP replay floor where it is higher than the source's: a
 * code used in factorkit since the import stays used, whatever the source says.
 */
export function floorKept(fields: Fields, records: UserRecords): Fields {
  const current = lastStep(records);
  const imported = fields[userFields.totpStep];
  if (current === undefined || (imported !== undefined && Number(imported) >= current)) return fields;
  return { ...fields, [userFields.totpStep]: String(current) };
}

/**
 * The imported records' writes over a user read as `read`, with what each method keeps of what
 * sign-ins in factorkit learnt since (a security key's higher counter: `MethodTransfer.keep`).
 */
export function learntKept(userId: string, written: readonly StoreOp[], read: UserRecords): StoreOp[] {
  return written.map((op) => {
    const owner = transfers.find((t) => t.keep && t.keys(userId).includes(op.key));
    return owner?.keep ? owner.keep(op, read) : op;
  });
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

/** What a decision read, as a guard: each field as it was, and none of those it lacked added. */
function asRead(fields: Fields, owned: readonly string[]): { match: Fields; absent?: string[] } {
  const watched = [...owned, userFields.enrolledAt, userFields.lastSecondFactorAt, userFields.imported];
  const absent = watched.filter((name) => !Object.hasOwn(fields, name));
  return { match: fields, ...(absent.length > 0 ? { absent } : {}) };
}

/** The records a decision read, by store key (`{tag}:user` and each method's own). */
function readByKey(ctx: MethodContext, userId: string, read: UserRecords): Map<string, StoredRecord | null> {
  const reads = ctx.methods.reads(userId);
  // The names a read gives its keys, in the keys' order.
  const names = Object.keys(reads.records(reads.keys.map(() => null)));
  return new Map(reads.keys.map((key, i) => [key, read[names[i]!] ?? null]));
}

/**
 * A write or delete of a record the decision read, made only while that record is as read: a
 * regenerate, a key renamed or removed meanwhile writes that record alone (not `{tag}:user`), and
 * the commit must then fail and the user be decided again, never overwrite it.
 */
function guardedAsRead(op: StoreOp, read: StoredRecord | null): StoreOp {
  if (op.type === 'delete')
    return read ? { type: 'take', key: op.key, match: read.fields } : { type: 'absent', key: op.key };
  if (op.type !== 'put') return op;
  if (!read) return { type: 'insert', key: op.key, fields: op.fields, expiresAt: op.expiresAt };
  const unset = Object.keys(read.fields).filter((name) => !Object.hasOwn(op.fields, name));
  return {
    type: 'merge',
    key: op.key,
    fields: op.fields,
    match: read.fields,
    ...(unset.length > 0 ? { unset } : {}),
    expiresAt: op.expiresAt,
  };
}

/**
 * The one commit of an import: `{tag}:user` set to the imported fields (every other field an import
 * owns, and every factor's enabled field, removed), guarded by no method being on or, over a user
 * read as `read`, by their record being as read (no field changed, none that counts added); the
 * imported records written; every other record of an import's methods and every pending setup
 * deleted; over a user read, each record the read saw written or deleted only while it is as read
 * (a field changed or gone, a record come or gone, fails the commit). The caller adds what ends
 * sessions.
 */
export function importOps(
  ctx: MethodContext,
  userId: string,
  read: UserRecords | null,
  fields: Fields,
  written: StoreOp[],
): StoreOp[] {
  const readUser = read?.['user'];
  const { owned: everyOwned, factorFields } = ownedFields(ctx);
  const owned = everyOwned.filter((name) => !(name in fields));
  const userOp: StoreOp = {
    type: 'merge',
    key: storeKeys.user(userId),
    fields,
    create: true,
    ...(owned.length > 0 ? { unset: owned } : {}),
    ...(readUser ? asRead(readUser.fields, everyOwned) : { absent: factorFields }),
  };
  const ops: StoreOp[] = [userOp, ...written];
  const touched = new Set(ops.map((op) => op.key));
  const deletes = [
    ...transfers.flatMap((t) => t.keys(userId)),
    ...ctx.methods.pendingDeletes(userId).map((op) => op.key),
  ];
  for (const key of new Set(deletes)) if (!touched.has(key)) ops.push({ type: 'delete', key });
  if (!read) return ops;
  const seen = readByKey(ctx, userId, read);
  return ops.map((op) =>
    op !== userOp && seen.has(op.key) ? guardedAsRead(op, seen.get(op.key) ?? null) : op,
  );
}
