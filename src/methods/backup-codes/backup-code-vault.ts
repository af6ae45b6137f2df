import { Keyring, type KeysInput, safeEqual } from '../../core/keyring.js';
import { type RandomSource, secureRandom } from '../../core/random.js';
import { storeKeys } from '../../store/keys.js';
import type { Fields, StoreOp } from '../../store/store.js';
import {
  codeEntries,
  FIELD_PREFIX,
  hashContext,
  isHashNamed,
  isSalted,
  openCode,
  openSalt,
  provesCode,
  SALT_FIELD,
  saltContext,
  saltedDigester,
  sealContext,
} from './backup-code-record.js';
import { findBcryptCode } from './bcrypt-check.js';
import {
  bcryptEntries,
  type CodeForm,
  FORM_FIELD,
  foreignCanonical,
  formOf,
  PEPPER_FIELD,
  pepperOf,
} from './foreign-codes.js';

/** Crockford's base32 alphabet: no i, l, o, u; typed o/i/l read as 0/1. */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const CODE_CHARS = 16; // 80 bits

/** How backup codes are kept: hashed (default, counts only) or sealed (viewable again). */
export type BackupCodeStorage = 'hashed' | 'viewable';

/** What "View Backup Codes" shows. */
export interface BackupCodeView {
  total: number;
  remaining: number;
  /** The unused codes, only in `viewable` storage; null otherwise. */
  codes: string[] | null;
}

/**
 * Removes a matched code's field while it still holds the value that matched. A login reads the set
 * and redeems in a later commit; a set generated in between reuses the field names (`c:0`...), so
 * taking the field by name alone would let a voided code sign in and burn a new one.
 */
const redeemFieldOp = (userId: string, field: string, record: Fields): StoreOp => ({
  type: 'merge',
  key: storeKeys.backupCodes(userId),
  fields: {},
  unset: [field],
  match: { [field]: record[field]! },
});

/**
 * Ten single-use recovery codes of 80 bits each (`k7pq-3mzx-9ahd-2wfr`), kept as one record with a
 * field per code (`backup-code-record.ts`: a hash under the set's sealed key, or the code sealed).
 * Redeeming removes one field in one atomic step, on condition it still holds the matched value; generating replaces the whole record, so every
 * older code dies at once. Checking a code opens one seal (ten for viewable codes: microseconds);
 * the seals are what a key rotation can move to a new key. Codes another system issued
 * (`factorkit/import`) keep their own shape and matching (`foreign-codes.ts`).
 */
export class BackupCodeVault {
  /** Codes per generation (the help page: 10). */
  readonly count = 10;
  private readonly keyring: Keyring;
  private readonly random: RandomSource;
  private readonly now: () => number;

  constructor(options: { keys: KeysInput | Keyring; random?: RandomSource; now?: () => number }) {
    this.keyring = options.keys instanceof Keyring ? options.keys : new Keyring(options.keys);
    this.random = options.random ?? secureRandom;
    this.now = options.now ?? Date.now;
  }

  /** A fresh set of codes, formatted in groups of four. */
  generate(): string[] {
    return Array.from({ length: this.count }, () => {
      const bytes = this.random(CODE_CHARS);
      let raw = '';
      for (let i = 0; i < CODE_CHARS; i++) raw += ALPHABET[bytes[i]! & 31];
      return raw.match(/.{4}/g)!.join('-');
    });
  }

  /** Canonical form of typed input (case, spaces, dashes and o/i/l ignored), or null if it cannot be a code. */
  normalize(input: unknown): string | null {
    // Shorter than a code is never one (lowercasing lengthens only İ, into a mark no code has):
    // most imported codes (better-auth's ten characters) end here.
    if (typeof input !== 'string' || input.length > 64 || input.length < CODE_CHARS) return null;
    const compact = input.toLowerCase().replace(/[\s-]/g, '').replace(/o/g, '0').replace(/[il]/g, '1');
    if (compact.length !== CODE_CHARS) return null;
    for (const c of compact) if (!ALPHABET.includes(c)) return null;
    return compact;
  }

  /** The op that stores `codes` for a user, replacing (voiding) every older code. */
  storeOp(userId: string, codes: string[], storage: BackupCodeStorage): StoreOp {
    return this.sealedSetOp(userId, codes, storage, {
      form: null,
      total: codes.length,
      generatedAt: this.now(),
    });
  }

  /**
   * The op that stores a set of codes as `storeOp` does (hashed under the set's sealed key, or each
   * sealed when viewable): factorkit's own (`form` null) or codes another system issued in clear,
   * matched as `form` says.
   */
  sealedSetOp(
    userId: string,
    codes: readonly string[],
    storage: BackupCodeStorage,
    set: { form: Exclude<CodeForm, 'bcrypt'> | null; total: number; generatedAt: number },
  ): StoreOp {
    const fields: Fields = { storage, total: String(set.total), generatedAt: String(set.generatedAt) };
    if (set.form) fields[FORM_FIELD] = set.form;
    const canonicalOf = this.canonicalizer(set.form);
    // Hashed: one sealed key for the set and a hash per code (`backup-code-record.ts`).
    const salt = storage === 'hashed' ? Buffer.from(this.random(32)).toString('base64url') : null;
    if (salt !== null) fields[SALT_FIELD] = this.keyring.seal(salt, saltContext(userId));
    const digestOf = salt === null ? null : saltedDigester(salt, userId);
    codes.forEach((code, i) => {
      fields[`${FIELD_PREFIX}${i + 1}`] =
        digestOf === null
          ? this.keyring.seal(code, sealContext(userId))
          : digestOf(canonicalOf(code) as string);
    });
    return { type: 'put', key: storeKeys.backupCodes(userId), fields, expiresAt: null };
  }

  /**
   * The op that redeems one code (fails when it is not an unused code of this user), or null for
   * junk input. Codes imported in clear match as their record's form says (`foreign-codes.ts`);
   * bcrypt-hashed ones are {@link redeemHashedOp}'s.
   */
  redeemOp(userId: string, input: unknown, record: Fields | null): StoreOp | null {
    const form = formOf(record);
    if (!record || form === 'bcrypt') return null;
    const canonicalOf = this.canonicalizer(form);
    const canonical = canonicalOf(input);
    if (canonical === null) return null;
    const field = isHashNamed(record)
      ? this.hashNamedField(userId, canonical, record)
      : this.sealedField(userId, canonical, record, canonicalOf);
    return field === null ? null : redeemFieldOp(userId, field, record);
  }

  /** {@link redeemOp} for codes imported as bcrypt hashes: the compares run off the login's fast path. */
  async redeemHashedOp(userId: string, input: unknown, record: Fields | null): Promise<StoreOp | null> {
    if (!record || formOf(record) !== 'bcrypt') return null;
    const typed = foreignCanonical(input, 'plain');
    // A pepper whose key is gone: no code of the set can be checked (they no longer count either).
    const pepper = pepperOf(this.keyring, userId, record);
    if (typed === null || typeof input !== 'string' || pepper === null) return null;
    const field = await findBcryptCode(record, input.trim(), pepper);
    return field === null ? null : redeemFieldOp(userId, field, record);
  }

  /** Counts, and in `viewable` storage the unused codes (those whose key is still configured). */
  view(userId: string, record: Fields | null): BackupCodeView {
    if (!record) return { total: 0, remaining: 0, codes: null };
    const entries = codeEntries(record);
    const viewable = isHashNamed(record)
      ? entries.length > 0 && entries.every(([, value]) => value !== '1')
      : record['storage'] === 'viewable' && formOf(record) !== 'bcrypt';
    const codes = viewable
      ? entries.flatMap(([, value]) => openCode(this.keyring, userId, value) ?? [])
      : null;
    return { total: Number(record['total'] ?? 0), remaining: this.remaining(record), codes };
  }

  /**
   * Unused codes left in a record that can still be checked: their key is configured (for a
   * bcrypt set, the key of its pepper; a set without one needs no key).
   */
  remaining(record: Fields | null): number {
    if (!record) return 0;
    const entries = codeEntries(record);
    if (isHashNamed(record)) return this.keyring.has(record['kid']) ? entries.length : 0;
    if (isSalted(record)) return this.keyring.has(Keyring.keyIdOf(record[SALT_FIELD]!)) ? entries.length : 0;
    if (formOf(record) === 'bcrypt') {
      const pepper = record[PEPPER_FIELD];
      const checkable = pepper === undefined || this.keyring.has(Keyring.keyIdOf(pepper));
      return checkable ? bcryptEntries(record).length : 0;
    }
    return entries.filter(([, value]) => this.keyring.has(Keyring.keyIdOf(value))).length;
  }

  /** The downloadable text file: issuer, account, date, the codes one per line, and how to use them. */
  toText(codes: readonly string[], options: { issuer: string; accountName: string; date?: Date }): string {
    const date = (options.date ?? new Date(this.now())).toISOString().slice(0, 10);
    return [
      `${options.issuer} backup codes`,
      `Account: ${options.accountName}`,
      `Generated: ${date}`,
      '',
      ...codes,
      '',
      'Each code can be used once, in place of the six-digit code on the Input Authentication Code page,',
      'if you lose your device or cannot read your email. Keep this file in a safe place.',
      'When all codes are used, click "Generate new codes" to get new ones; generating new codes voids these.',
      '',
    ].join('\n');
  }

  /** A 0.1 record: the field named by the code's HMAC under the record's key, if it is there. */
  private hashNamedField(userId: string, canonical: string, record: Fields): string | null {
    const hash = this.keyring.hash(canonical, hashContext(userId), record['kid']);
    const field = hash === null ? null : FIELD_PREFIX + hash;
    return field !== null && Object.hasOwn(record, field) ? field : null;
  }

  /**
   * The field whose value proves the code, if any: a salted set's hashes compared under its key
   * (opened once), else each sealed value opened (a removed key's are skipped).
   */
  private sealedField(
    userId: string,
    canonical: string,
    record: Fields,
    canonicalOf: (text: unknown) => string | null,
  ): string | null {
    if (isSalted(record)) {
      const salt = openSalt(this.keyring, userId, record);
      if (salt === null) return null;
      const digest = saltedDigester(salt, userId)(canonical);
      return codeEntries(record).find(([, value]) => safeEqual(value, digest))?.[0] ?? null;
    }
    for (const [name, value] of codeEntries(record)) {
      const opened = openCode(this.keyring, userId, value);
      if (opened !== null && provesCode(opened, userId, canonical, canonicalOf)) return name;
    }
    return null;
  }

  /** How typed (or viewable) text of a set's form becomes the form its digest covers, or null. */
  private canonicalizer(form: Exclude<CodeForm, 'bcrypt'> | null): (text: unknown) => string | null {
    return form === null ? (text) => this.normalize(text) : (text) => foreignCanonical(text, form);
  }
}
