import { Keyring, type KeysInput } from '../../core/keyring.js';
import { type RandomSource, secureRandom } from '../../core/random.js';
import { storeKeys } from '../../store/keys.js';
import type { Fields, StoreOp } from '../../store/store.js';
import { findBcryptCode } from './bcrypt-check.js';
import {
  BCRYPT_PREFIX,
  type CodeForm,
  FORM_FIELD,
  foreignCanonical,
  formOf,
  PEPPER_FIELD,
} from './foreign-codes.js';

/** Crockford's base32 alphabet: no i, l, o, u; typed o/i/l read as 0/1. */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const CODE_CHARS = 16; // 80 bits
const FIELD_PREFIX = 'c:';

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
 * Ten single-use recovery codes of 80 bits each (`k7pq-3mzx-9ahd-2wfr`), kept as one record whose
 * fields are the codes' keyed hashes. Redeeming removes one field in one atomic step; generating
 * replaces the whole record, so every older code dies at once. A code costs one HMAC to check,
 * whatever the number of codes.
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
    if (typeof input !== 'string' || input.length > 64) return null;
    const compact = input.toLowerCase().replace(/[\s-]/g, '').replace(/o/g, '0').replace(/[il]/g, '1');
    if (compact.length !== CODE_CHARS) return null;
    for (const c of compact) if (!ALPHABET.includes(c)) return null;
    return compact;
  }

  /** The op that stores `codes` for a user, replacing (voiding) every older code. */
  storeOp(userId: string, codes: string[], storage: BackupCodeStorage): StoreOp {
    const fields: Fields = {
      kid: this.keyring.currentId,
      total: String(codes.length),
      generatedAt: String(this.now()),
    };
    for (const code of codes) {
      const canonical = this.normalize(code) as string;
      fields[FIELD_PREFIX + this.hashOf(userId, canonical)] =
        storage === 'viewable' ? this.keyring.seal(code, sealContext(userId)) : '1';
    }
    return { type: 'put', key: storeKeys.backupCodes(userId), fields, expiresAt: null };
  }

  /**
   * The op that redeems one code (fails when it is not an unused code of this user), or null for
   * junk input. Codes imported in clear match as their record's form says (`foreign-codes.ts`).
   */
  redeemOp(userId: string, input: unknown, record: Fields | null): StoreOp | null {
    const form = formOf(record);
    if (!record || form === 'bcrypt') return null;
    const canonical = form === null ? this.normalize(input) : foreignCanonical(input, form);
    if (canonical === null) return null;
    const hash = this.keyring.hash(canonical, hashContext(userId), record['kid']);
    if (hash === null || record[FIELD_PREFIX + hash] === undefined) return null;
    return { type: 'takeField', key: storeKeys.backupCodes(userId), field: FIELD_PREFIX + hash };
  }

  /** {@link redeemOp} for codes imported as bcrypt hashes: the compares run off the login's fast path. */
  async redeemHashedOp(userId: string, input: unknown, record: Fields | null): Promise<StoreOp | null> {
    if (!record || formOf(record) !== 'bcrypt') return null;
    const typed = foreignCanonical(input, 'plain');
    if (typed === null || typeof input !== 'string') return null;
    const sealedPepper = record[PEPPER_FIELD];
    const pepper = sealedPepper === undefined ? '' : this.keyring.open(sealedPepper, pepperContext(userId));
    const field = await findBcryptCode(record, input.trim(), pepper);
    return field === null ? null : { type: 'takeField', key: storeKeys.backupCodes(userId), field };
  }

  /**
   * The op that stores codes another system issued, replacing any older ones: in clear (factorkit's
   * own shape is kept as factorkit's; others as `plain` forms), as bcrypt hashes (kept as they are),
   * or as keyed hashes a factorkit export wrote (`keyId` must be one of this keyring's).
   */
  importOp(userId: string, codes: ImportedCodeSet, storage: BackupCodeStorage): StoreOp {
    const fields: Fields = {
      kid: this.keyring.currentId,
      total: String(codes.total),
      generatedAt: String(codes.generatedAt),
    };
    if (codes.kind === 'bcrypt') {
      fields[FORM_FIELD] = 'bcrypt';
      codes.hashes.forEach((hash, i) => {
        fields[BCRYPT_PREFIX + i] = hash;
      });
      if (codes.pepper) fields[PEPPER_FIELD] = this.keyring.seal(codes.pepper, pepperContext(userId));
    } else if (codes.kind === 'keyed') {
      fields['kid'] = codes.keyId;
      if (codes.form) fields[FORM_FIELD] = codes.form;
      for (const hash of codes.hashes) fields[FIELD_PREFIX + hash] = '1';
    } else {
      const native = codes.codes.every((code) => this.normalize(code) !== null);
      const form = native ? null : codes.form;
      if (form) fields[FORM_FIELD] = form;
      for (const code of codes.codes) {
        const canonical = (form ? foreignCanonical(code, form) : this.normalize(code)) as string;
        fields[FIELD_PREFIX + this.hashOf(userId, canonical)] =
          storage === 'viewable' ? this.keyring.seal(code, sealContext(userId)) : '1';
      }
    }
    return { type: 'put', key: storeKeys.backupCodes(userId), fields, expiresAt: null };
  }

  /** A record's unused codes as an export writes them: in clear when viewable, else as stored. */
  exportOf(userId: string, record: Fields | null): ImportedCodeSet | null {
    if (!record || this.remaining(record) === 0) return null;
    const total = Number(record['total'] ?? 0);
    const generatedAt = Number(record['generatedAt'] ?? 0);
    const form = formOf(record);
    // Sorted, so an export of the same codes reads the same from every store.
    const entries = Object.entries(record).sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }));
    if (form === 'bcrypt') {
      const sealedPepper = record[PEPPER_FIELD];
      return {
        kind: 'bcrypt',
        hashes: entries.filter(([name]) => name.startsWith(BCRYPT_PREFIX)).map(([, hash]) => hash),
        ...(sealedPepper ? { pepper: this.keyring.open(sealedPepper, pepperContext(userId)) } : {}),
        total,
        generatedAt,
      };
    }
    const codes = this.view(userId, record).codes;
    if (codes) return { kind: 'plain', codes: codes.sort(), form: form ?? 'plain', total, generatedAt };
    return {
      kind: 'keyed',
      keyId: record['kid'] ?? '',
      hashes: entries.filter(([name]) => name.startsWith(FIELD_PREFIX)).map(([name]) => name.slice(2)),
      ...(form ? { form } : {}),
      total,
      generatedAt,
    };
  }

  /** Counts, and in `viewable` storage the unused codes. */
  view(userId: string, record: Fields | null): BackupCodeView {
    if (!record) return { total: 0, remaining: 0, codes: null };
    const sealed = Object.entries(record).filter(([name]) => isCodeField(name));
    const viewable =
      formOf(record) !== 'bcrypt' && sealed.length > 0 && sealed.every(([, value]) => value !== '1');
    return {
      total: Number(record['total'] ?? 0),
      remaining: sealed.length,
      codes: viewable ? sealed.map(([, value]) => this.keyring.open(value, sealContext(userId))) : null,
    };
  }

  /** Unused codes left in a record. */
  remaining(record: Fields | null): number {
    return record ? Object.keys(record).filter(isCodeField).length : 0;
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

  private hashOf(userId: string, canonical: string): string {
    return this.keyring.hash(canonical, hashContext(userId)) as string;
  }
}

const hashContext = (userId: string) => `backup-code\0${userId}`;
const sealContext = (userId: string) => `backup-code-sealed\0${userId}`;
const pepperContext = (userId: string) => `backup-code-pepper\0${userId}`;

/** A field holding one unused code: a keyed hash (`c:`) or an imported bcrypt hash (`b:`). */
const isCodeField = (name: string) => name.startsWith(FIELD_PREFIX) || name.startsWith(BCRYPT_PREFIX);

/** A set of codes to store as another system (or a factorkit export) had them; `generatedAt` in ms. */
export type ImportedCodeSet = { total: number; generatedAt: number } & (
  | { kind: 'plain'; codes: string[]; form: 'plain' | 'plain-nocase' }
  | { kind: 'bcrypt'; hashes: string[]; pepper?: string }
  | { kind: 'keyed'; keyId: string; hashes: string[]; form?: Exclude<CodeForm, 'bcrypt'> }
);
