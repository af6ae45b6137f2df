import { z } from 'zod';
import { InvalidInputError } from '../../core/errors.js';
import { Keyring } from '../../core/keyring.js';
import { storeKeys } from '../../store/keys.js';
import type { MethodContext } from '../context.js';
import type { MethodTransfer } from '../transfer.js';
import { FIELD_PREFIX, openCode, openOrNull, saltContext, sealContext } from './backup-code-record.js';
import type { BackupCodesContext } from './backup-codes-api.js';
import {
  BCRYPT_HASH,
  BCRYPT_PREFIX,
  foreignCanonical,
  looksLikeAppCode,
  MAX_IMPORTED_CODES,
  plainFormOf,
} from './foreign-codes.js';
import { exportedCodes, type ImportedCodeSet, importedCodesOp } from './imported-codes.js';

const instant = z.number().int().min(0).max(8.64e15);
const codeList = z.array(z.string().min(1).max(100)).min(1).max(MAX_IMPORTED_CODES);
const extra = { total: z.number().int().min(1).max(100).optional(), generatedAt: instant.optional() };

/**
 * Backup codes as another system kept them: in clear (a list, or `{ codes }`), hashed with bcrypt
 * (`{ bcrypt, pepper? }`: Devise appends a pepper before hashing), or as a factorkit export wrote
 * a `hashed` set (`{ salted, salt, form? }`, an earlier set's `{ sealed, form? }`, or a 0.1 set's
 * `{ keyed, keyId }`: only into a store with the same keys).
 */
export const importedCodesSchema = z.union([
  codeList,
  z.object({ codes: codeList, ...extra }).strict(),
  z
    .object({
      bcrypt: z
        .array(z.string().regex(BCRYPT_HASH, 'must be a bcrypt hash ($2a$, $2b$ or $2y$) of cost 4 to 13'))
        .min(1)
        .max(MAX_IMPORTED_CODES),
      pepper: z.string().max(256).optional(),
      ...extra,
    })
    .strict(),
  z
    .object({
      salted: z
        .array(
          z.string().regex(/^hmac-sha256:[A-Za-z0-9_-]{43}$/, 'must be a hashed code from factorkit export'),
        )
        .min(1)
        .max(MAX_IMPORTED_CODES),
      salt: z
        .string()
        .max(400)
        .refine(
          (value) => Keyring.keyIdOf(value) !== null,
          "must be a set's sealed key from factorkit export",
        ),
      form: z.enum(['plain', 'plain-nocase']).optional(),
      ...extra,
    })
    .strict(),
  z
    .object({
      sealed: z
        .array(
          z
            .string()
            .max(400)
            .refine(
              (value) => Keyring.keyIdOf(value) !== null,
              'must be a sealed code from factorkit export',
            ),
        )
        .min(1)
        .max(MAX_IMPORTED_CODES),
      form: z.enum(['plain', 'plain-nocase']).optional(),
      ...extra,
    })
    .strict(),
  z
    .object({
      keyed: z
        .array(z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be a keyed hash from factorkit export'))
        .min(1)
        .max(MAX_IMPORTED_CODES),
      keyId: z.string().min(1).max(64),
      ...extra,
    })
    .strict(),
]);

export type ImportedCodes = z.input<typeof importedCodesSchema>;
type Parsed = z.output<typeof importedCodesSchema>;

/**
 * Sealed codes of an export, each opened for this user (so a value that cannot be checked here is
 * refused now, not at sign-in) and kept as it is, or sealed again when under an older key.
 */
function sealedValues(ctx: MethodContext, userId: string, values: string[]): string[] {
  return values.map((value, i) => {
    const opened = openCode(ctx.keyring, userId, value);
    if (opened === null)
      throw new InvalidInputError(
        `backupCodes.sealed.${i}`,
        'does not open for this user with these keys: import with the keys and user ids the export was made with',
      );
    return Keyring.keyIdOf(value) === ctx.keyring.currentId
      ? value
      : ctx.keyring.seal(opened, sealContext(userId));
  });
}

/**
 * The sealed key of an exported set, opened for this user (so a set that cannot be checked here is
 * refused now, not at sign-in) and kept as it is, or sealed again when under an older key.
 */
function saltValue(ctx: MethodContext, userId: string, sealed: string): string {
  const salt = openOrNull(ctx.keyring, sealed, saltContext(userId));
  if (salt === null)
    throw new InvalidInputError(
      'backupCodes.salt',
      'does not open for this user with these keys: import with the keys and user ids the export was made with',
    );
  return ctx.keyring.reseal(sealed, saltContext(userId)) ?? sealed;
}

/** Plain codes, checked beyond the schema: their form. @throws `INVALID_INPUT` naming the code. */
function plainForm(ctx: BackupCodesContext, codes: string[], path: string): 'plain' | 'plain-nocase' {
  const form = plainFormOf(codes);
  codes.forEach((code, i) => {
    if (ctx.vault.normalize(code) !== null) return;
    const canonical = foreignCanonical(code, form);
    if (canonical === null)
      throw new InvalidInputError(
        `${path}.${i}`,
        'must be 6 to 64 letters and digits (spaces and dashes aside)',
      );
    // A login reads the codes only for what cannot be an app's code.
    if (looksLikeAppCode(canonical, ctx.totp.digits))
      throw new InvalidInputError(
        `${path}.${i}`,
        `looks like an authenticator app's code (${ctx.totp.digits} digits)`,
      );
  });
  if (new Set(codes).size !== codes.length) throw new InvalidInputError(path, 'has a code twice');
  return form;
}

/** The set to store, checked beyond the schema. @throws `INVALID_INPUT` naming `backupCodes`. */
function codeSet(ctx: BackupCodesContext, userId: string, value: Parsed, now: number): ImportedCodeSet {
  const object = Array.isArray(value) ? { codes: value } : value;
  const described = (codes: readonly unknown[]) => ({
    total: object.total ?? codes.length,
    generatedAt: object.generatedAt ?? now,
  });
  if ('bcrypt' in object) {
    const pepper = object.pepper ? { pepper: object.pepper } : {};
    return { kind: 'bcrypt', hashes: object.bcrypt, ...pepper, ...described(object.bcrypt) };
  }
  if ('salted' in object) {
    const salt = saltValue(ctx, userId, object.salt);
    const form = object.form ? { form: object.form } : {};
    return { kind: 'salted', salt, hashes: object.salted, ...form, ...described(object.salted) };
  }
  if ('sealed' in object) {
    const values = sealedValues(ctx, userId, object.sealed);
    return { kind: 'sealed', values, ...(object.form ? { form: object.form } : {}), ...described(values) };
  }
  if ('keyed' in object) {
    if (!ctx.keyring.has(object.keyId))
      throw new InvalidInputError(
        'backupCodes.keyId',
        'names a key this keyring does not hold: import with the keys the export was made with',
      );
    return { kind: 'keyed', keyId: object.keyId, hashes: object.keyed, ...described(object.keyed) };
  }
  const form = plainForm(ctx, object.codes, Array.isArray(value) ? 'backupCodes' : 'backupCodes.codes');
  return { kind: 'plain', codes: object.codes, form, ...described(object.codes) };
}

/** A field that is one unused code (by its name: a sign-in removes it), not the set's own. */
const isCodeEntry = (name: string) => name.startsWith(FIELD_PREFIX) || name.startsWith(BCRYPT_PREFIX);

/** Backup codes: one record of unused codes, stored as the org policy says (hashed or viewable). */
export const backupCodesTransfer: MethodTransfer<Parsed> = {
  method: 'backup-code',
  field: 'backupCodes',
  schema: importedCodesSchema as z.ZodType<Parsed>,
  factor: false,
  clears: [],
  keys: (userId) => [storeKeys.backupCodes(userId)],
  async write(ctx: BackupCodesContext, userId, value, now) {
    const set = codeSet(ctx, userId, value, now);
    const policy = await ctx.policy({ userId });
    return { fields: {}, ops: [importedCodesOp(ctx, userId, set, policy.backupCodes.storage)] };
  },
  // The set's own fields (`generatedAt`, `storage`: new codes change them), a sealed one by its name
  // alone (a key rotation seals it again); the codes themselves are what a sign-in spends.
  enrolment(user) {
    const fields = user['backupCodes']?.fields;
    if (!fields) return undefined;
    return Object.keys(fields)
      .filter((name) => !isCodeEntry(name))
      .sort()
      .map((name) => (Keyring.keyIdOf(fields[name]!) !== null ? name : [name, fields[name]]));
  },
  spent(user) {
    const fields = user['backupCodes']?.fields;
    return fields ? Object.keys(fields).filter(isCodeEntry).sort() : undefined;
  },
  read(ctx: BackupCodesContext, userId, user) {
    const set = exportedCodes(ctx, userId, user['backupCodes']?.fields ?? null);
    if (!set) return undefined;
    const extras = { total: set.total, generatedAt: set.generatedAt };
    if (set.kind === 'bcrypt')
      return { bcrypt: set.hashes, ...(set.pepper ? { pepper: set.pepper } : {}), ...extras };
    if (set.kind === 'salted')
      return { salted: set.hashes, salt: set.salt, ...(set.form ? { form: set.form } : {}), ...extras };
    if (set.kind === 'sealed')
      return { sealed: set.values, ...(set.form ? { form: set.form } : {}), ...extras };
    if (set.kind === 'keyed') return { keyed: set.hashes, keyId: set.keyId, ...extras };
    return { codes: set.codes, ...extras };
  },
};
