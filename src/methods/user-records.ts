import type { StoredRecord } from '../store/store.js';

/**
 * A user's records as a login reads them: `user` (the `{tag}:user` record, where every method keeps
 * its fields) and the methods' own records by the names they give them (`backupCodes`).
 */
export type UserRecords = Readonly<Record<string, StoredRecord | null>>;

/** A field of the user's `{tag}:user` record (own fields only), or undefined. */
export function userField(user: UserRecords, name: string): string | undefined {
  const fields = user['user']?.fields;
  return fields && Object.hasOwn(fields, name) ? fields[name] : undefined;
}
