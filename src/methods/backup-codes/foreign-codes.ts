import type { Keyring } from '../../core/keyring.js';
import type { Fields } from '../../store/store.js';
import { openOrNull } from './backup-code-record.js';

/**
 * Backup codes another system issued, kept so the user's saved list keeps working after an import.
 * A record's `form` field says how its codes are matched:
 * - absent: factorkit's own codes (Crockford base32, `k7pq-3mzx-9ahd-2wfr`);
 * - `plain`, `plain-nocase`: codes imported in clear (better-auth's `AbCd1-EfGh2`, django-otp's
 *   static tokens), sealed like factorkit's own (`backup-code-record.ts`), matched with spaces and
 *   dashes ignored, and case too when the imported set was all one case;
 * - `bcrypt`: codes imported already hashed (Devise, Rails and PHP apps), kept as they came
 *   (`b:<n>` fields) and checked with bcrypt at use: never re-hashed with anything weaker. A bcrypt
 *   hash is under no application key (a rotation neither needs nor moves it); Devise's pepper is
 *   sealed (`pepper`) and moves like any sealed value.
 */
export type CodeForm = 'plain' | 'plain-nocase' | 'bcrypt';

export const FORM_FIELD = 'form';
/** A bcrypt-hashed code's field prefix (sealed codes use `c:`). */
export const BCRYPT_PREFIX = 'b:';
/** The sealed pepper Devise appends to each code before hashing, when the import gave one. */
export const PEPPER_FIELD = 'pepper';
export const pepperContext = (userId: string) => `backup-code-pepper\0${userId}`;

/** The bcrypt hashes of a record, `[name, hash]`. */
export const bcryptEntries = (record: Fields) =>
  Object.entries(record).filter(([name]) => name.startsWith(BCRYPT_PREFIX));

/**
 * The pepper a bcrypt set's codes were hashed with: `''` when the import gave none, null when it
 * cannot be opened (its key is no longer configured): then no code of the set can be checked.
 */
export function pepperOf(keyring: Keyring, userId: string, record: Fields): string | null {
  const sealed = record[PEPPER_FIELD];
  return sealed === undefined ? '' : openOrNull(keyring, sealed, pepperContext(userId));
}

/** The most codes an import may bring: each bcrypt code costs a hash at every wrong guess. */
export const MAX_IMPORTED_CODES = 20;

/** The form of a backup-codes record. */
export function formOf(record: Fields | null): CodeForm | null {
  const form = record?.[FORM_FIELD];
  return form === 'plain' || form === 'plain-nocase' || form === 'bcrypt' ? form : null;
}

/** The typed code as a foreign code of `form`: spaces and dashes dropped; null when it cannot be one. */
export function foreignCanonical(input: unknown, form: 'plain' | 'plain-nocase'): string | null {
  if (typeof input !== 'string' || input.length > 100) return null;
  const compact = input.replace(/[\s-]/g, '');
  if (!/^[A-Za-z0-9]{6,64}$/.test(compact)) return null;
  return form === 'plain-nocase' ? compact.toLowerCase() : compact;
}

/** The form a set of imported plaintext codes takes: case-blind when every code is one case. */
export function plainFormOf(codes: readonly string[]): 'plain' | 'plain-nocase' {
  const compact = codes.map((code) => code.replace(/[\s-]/g, ''));
  const oneCase = compact.every((c) => c === c.toLowerCase()) || compact.every((c) => c === c.toUpperCase());
  return oneCase ? 'plain-nocase' : 'plain';
}

/**
 * Whether a typed code may be a foreign backup code, before any record is read: letters and digits
 * (spaces and dashes aside), 6 to 64 of them, and not what an authenticator app shows (`digits`
 * digits), which a login never reads the codes for. An import refuses codes of that shape.
 */
export function mayBeForeignCode(input: unknown, totpDigits: number): boolean {
  if (typeof input !== 'string' || input.length > 100) return false;
  const compact = input.replace(/[\s-]/g, '');
  return /^[A-Za-z0-9]{6,64}$/.test(compact) && !looksLikeAppCode(compact, totpDigits);
}

/** A code an authenticator app could show: only digits, `digits` of them. */
export function looksLikeAppCode(compact: string, totpDigits: number): boolean {
  return compact.length === totpDigits && /^\d+$/.test(compact);
}

/** What a bcrypt hash must look like: `$2a$`, `$2b$` or `$2y$`, a cost of 4 to 13, 53 characters of salt and hash. */
export const BCRYPT_HASH = /^\$2[aby]\$(0[4-9]|1[0-3])\$[./A-Za-z0-9]{53}$/;
