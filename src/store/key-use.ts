import { Keyring } from '../core/keyring.js';
import type { Fields } from './store.js';

/** Fields of one record to change under the current key, guarded by the values read (a merge). */
export interface KeyChange {
  set: Fields;
  unset?: string[];
  /** The fields as read: the change applies only while they still hold these values. */
  match: Fields;
}

/**
 * A kind of value kept under an application key, declared by the method or service that owns it,
 * so `tf.keys` can count the records each key id still holds and move them to the current key
 * without knowing any method. One record may hold several kinds (`{tag}:user`: TOTP secret and
 * admin-issued code).
 */
export interface KeyUse {
  /** The name `tf.keys.inventory()` shows: `totp`, `backup-codes`, `email-code`, ... */
  kind: string;
  /**
   * `lasting`: stays until someone acts, so `rekey` must move it before the old key goes;
   * `lapses`: ends by itself (a code, a setup, a trusted browser): counted, left to run out.
   */
  life: 'lasting' | 'lapses';
  /** The record names (after `{tag}:`) it lives in; a name ending in `:` is a prefix (`challenge:`). */
  records: readonly string[];
  /** The key ids of its live values in this record, none when it has none here. */
  keyIds(fields: Fields, now: number, keyring: Keyring): string[];
  /**
   * The change that moves its values here to the current key, or null when there is nothing to
   * move or it cannot be moved (a keyed hash of a secret nobody kept, a key no longer configured).
   */
  rekey?(fields: Fields, userId: string, keyring: Keyring): KeyChange | null;
  /**
   * Whether this record holds values of this kind under no application key at all (bcrypt hashes
   * imported as they came): `inventory` counts them apart, since a rotation neither needs nor
   * moves them.
   */
  unkeyed?(fields: Fields): boolean;
}

/** The key id of a sealed field, as a list (none when the field is absent or not sealed). */
export function sealedKeyIds(fields: Fields, field: string): string[] {
  const id = Object.hasOwn(fields, field) ? Keyring.keyIdOf(fields[field]!) : null;
  return id === null ? [] : [id];
}

/** Whether record `name` (what follows `{tag}:`) is one `use` lives in. */
export function keyUseCovers(use: KeyUse, name: string): boolean {
  return use.records.some((record) => (record.endsWith(':') ? name.startsWith(record) : name === record));
}

/**
 * The use of one sealed field that lasts until someone acts (a TOTP secret, an imported pepper):
 * `rekey` seals it again under the current key, bound to the same context.
 */
export function lastingSealedField(
  kind: string,
  record: string,
  field: string,
  context: (userId: string) => string,
): KeyUse {
  return {
    kind,
    life: 'lasting',
    records: [record],
    keyIds: (fields) => sealedKeyIds(fields, field),
    rekey: (fields, userId, keyring) => resealField(fields, field, context(userId), keyring),
  };
}

/** The change to one sealed field: sealed again under the current key, guarded by its old value. */
export function resealField(
  fields: Fields,
  field: string,
  context: string,
  keyring: Keyring,
): KeyChange | null {
  const sealed = Object.hasOwn(fields, field) ? fields[field] : undefined;
  if (sealed === undefined) return null;
  // Already under the current key (every sign-in outside a rotation): told by one look at the id.
  const keyId = Keyring.keyIdOf(sealed);
  if (keyId === keyring.currentId || !keyring.has(keyId)) return null;
  const again = keyring.reseal(sealed, context);
  return again === null ? null : { set: { [field]: again }, match: { [field]: sealed } };
}
