import { layout1Names, tagKey } from './keys.js';
import type { Fields, StoredRecord, StoreOp } from './store.js';

/**
 * The data layout the stores hold. 1: factorkit 0.1 (one record per factor); 2: the factors, the
 * TOTP replay floor and the admin-issued code as fields of one `{tag}:user` record. A store refuses
 * to run on another layout (`CONFIG`, naming the command that migrates).
 */
export const LAYOUT_VERSION = 2;

/** The fields of `{tag}:user`, by the method that owns them. */
export const userFields = {
  /** TOTP: the sealed secret (on while present), when it was enabled, the last accepted step. */
  totp: 'totp',
  totpAt: 'totpAt',
  totpStep: 'totpStep',
  /** TOTP: how the user's app computes codes when not as the facade's options say (an imported app). */
  totpParams: 'totpParams',
  /** Email: the address (on while present), when it was enabled. */
  email: 'email',
  emailAt: 'emailAt',
  /** Security keys: present ('1') while the user has one (the keys are in `{tag}:webauthn`). */
  webauthn: 'webauthn',
  /** An admin-issued code: its keyed hash and key id, who issued it, when, until when. */
  adminCode: 'adminCode',
  adminKid: 'adminKid',
  adminBy: 'adminBy',
  adminAt: 'adminAt',
  adminUntil: 'adminUntil',
  /** When the user last turned a factor on (the `required` rule: a user who enrolled has no grace left). */
  enrolledAt: 'enrolledAt',
  /** When the user's grace under the `required` rule began (their first sign-in under it). */
  graceAt: 'graceAt',
  /** When the user last proved a second factor at sign-in (`statusMany`), written by the success commit. */
  lastSecondFactorAt: 'lastSecondFactorAt',
  /** The sealed fingerprint of the import that wrote this user (`factorkit/import`: importing it again changes nothing). */
  imported: 'imported',
  /**
   * The digest of what that import left of the user's enrolments (`factorkit/import`: while the
   * records still give it, nothing changed in factorkit since, and a re-run may update them).
   */
  importedState: 'importedState',
} as const;

/** The 0.1 records of one user (any may be missing). */
export interface Layout1User {
  totp: StoredRecord | null;
  totpStep: StoredRecord | null;
  email: StoredRecord | null;
  adminCode: StoredRecord | null;
}

/**
 * The `{tag}:user` fields that carry a 0.1 user's records over: the TOTP secret (sealed for the
 * same user, so it opens unchanged), the replay floor, the address, and an admin-issued code still
 * valid at `now`. Null when the user had none of them.
 */
export function layout2UserFields(old: Layout1User, now: number): Fields | null {
  const fields: Fields = {};
  const copy = (from: StoredRecord | null, pairs: Array<[string, string]>) => {
    for (const [source, target] of pairs) {
      const value = from?.fields[source];
      if (value !== undefined) fields[target] = value;
    }
  };
  copy(old.totp, [
    ['secret', userFields.totp],
    ['enabledAt', userFields.totpAt],
  ]);
  copy(old.totpStep, [['step', userFields.totpStep]]);
  copy(old.email, [
    ['address', userFields.email],
    ['enabledAt', userFields.emailAt],
  ]);
  if (old.adminCode && (old.adminCode.expiresAt === null || old.adminCode.expiresAt > now)) {
    copy(old.adminCode, [
      ['code', userFields.adminCode],
      ['kid', userFields.adminKid],
      ['actor', userFields.adminBy],
      ['issuedAt', userFields.adminAt],
      ['deadline', userFields.adminUntil],
    ]);
  }
  return Object.keys(fields).length > 0 ? fields : null;
}

/** The layout-1 keys of the user with tag `tag`, in {@link Layout1User} order. */
export function layout1KeysOfTag(tag: string): [string, string, string, string] {
  return [
    tagKey(tag, layout1Names.totp),
    tagKey(tag, layout1Names.totpStep),
    tagKey(tag, layout1Names.email),
    tagKey(tag, layout1Names.adminCode),
  ];
}

/** The tag of a layout-1 key (`{tag}:totp`, ...), or null for any other key. */
export function tagOfLayout1Key(key: string): string | null {
  const found = /^\{([A-Za-z0-9_-]+)\}:(totp|totp-step|email|admin-code)$/.exec(key);
  return found ? found[1]! : null;
}

/**
 * The commit that moves one user's layout-1 records into `{tag}:user` (`records` read from
 * {@link layout1KeysOfTag}): the carried fields merged in (idempotent: a migration that stopped
 * half way runs again), then the old keys deleted.
 */
export function migrateUserOps(
  tag: string,
  records: ReadonlyArray<StoredRecord | null>,
  now: number,
): StoreOp[] {
  const [totp = null, totpStep = null, email = null, adminCode = null] = records;
  const fields = layout2UserFields({ totp, totpStep, email, adminCode }, now);
  const deletes = layout1KeysOfTag(tag).map((key) => ({ type: 'delete', key }) as const);
  return fields ? [{ type: 'merge', key: tagKey(tag, 'user'), fields, create: true }, ...deletes] : deletes;
}
