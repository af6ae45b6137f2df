import { digestOf } from '../app/keys/import-fingerprint.js';
import type { MethodContext } from '../methods/context.js';
import { type UserRecords, userField } from '../methods/user-records.js';
import { storeKeys } from '../store/keys.js';
import { userFields } from '../store/layout.js';
import type { Fields, StoredRecord, StoreOp } from '../store/store.js';
import { transfers } from './transfers.js';

/**
 * What an import leaves in `importedState`: the digest of the user's enrolments as each transfer
 * identifies them and of when they last turned a factor on (every enable stamps `enrolledAt`), a
 * dot, and the digest of what sign-ins spend for good (backup codes left). No secret goes into
 * either; a key rotation changes neither, a sign-in at most the second.
 */
export function enrolmentState(records: UserRecords): string {
  const enrolments = transfers.map((t) => t.enrolment(records) ?? null);
  const spent = transfers.map((t) => t.spent?.(records) ?? null);
  return `${digestOf(JSON.stringify([userField(records, userFields.enrolledAt) ?? null, ...enrolments]))}.${digestOf(JSON.stringify(spent))}`;
}

/**
 * The records an import's commit leaves, named as a read names them: `{tag}:user` with `fields`
 * (the fields of its own the transfers read), the records it writes, and none of the others (the
 * commit deletes them).
 */
export function writtenRecords(
  ctx: MethodContext,
  userId: string,
  fields: Fields,
  written: readonly StoreOp[],
): UserRecords {
  const byKey = new Map<string, Fields>([[storeKeys.user(userId), fields]]);
  for (const op of written) if (op.type === 'put') byKey.set(op.key, op.fields);
  const reads = ctx.methods.reads(userId);
  return reads.records(
    reads.keys.map((key): StoredRecord | null => {
      const found = byKey.get(key);
      return found ? { fields: found, expiresAt: null } : null;
    }),
  );
}

/**
 * How the user's records compare with what an import wrote: `changed` when they enrolled,
 * confirmed, regenerated or removed anything in factorkit since (or no import wrote them), `spent`
 * when only sign-ins spent something a newer source cannot carry over (a backup code), `as-written`
 * otherwise (a sign-in with an app or a key moves nothing that counts: the floor is kept apart).
 *
 * A user imported before `importedState` existed has only the import's fingerprint, which covers
 * the source, not the records: `changed` once they turned a factor on (which stamps `enrolledAt`,
 * never written by those imports), `spent` once they signed in with a second factor (which stamps
 * `lastSecondFactorAt` and comes before any change a signed-in user makes: new codes, a key
 * removed or renamed, a method off). A change made without either is not seen.
 */
export function sinceImport(records: UserRecords): 'as-written' | 'spent' | 'changed' {
  if (userField(records, userFields.imported) === undefined) return 'changed';
  const stored = userField(records, userFields.importedState);
  if (stored === undefined) {
    if (userField(records, userFields.enrolledAt) !== undefined) return 'changed';
    return userField(records, userFields.lastSecondFactorAt) === undefined ? 'as-written' : 'spent';
  }
  const [enrolled, spent] = enrolmentState(records).split('.');
  const [storedEnrolled, storedSpent] = stored.split('.');
  if (enrolled !== storedEnrolled) return 'changed';
  return spent === storedSpent ? 'as-written' : 'spent';
}
