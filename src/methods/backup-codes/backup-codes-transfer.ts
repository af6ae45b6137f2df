import { z } from 'zod';
import { InvalidInputError } from '../../core/errors.js';
import { storeKeys } from '../../store/keys.js';
import type { MethodContext } from '../context.js';
import type { MethodTransfer } from '../transfer.js';
import type { ImportedCodeSet } from './backup-code-vault.js';
import {
  BCRYPT_HASH,
  foreignCanonical,
  looksLikeAppCode,
  MAX_IMPORTED_CODES,
  plainFormOf,
} from './foreign-codes.js';

const instant = z.number().int().min(0).max(8.64e15);
const codeList = z.array(z.string().min(1).max(100)).min(1).max(MAX_IMPORTED_CODES);
const extra = { total: z.number().int().min(1).max(100).optional(), generatedAt: instant.optional() };

/**
 * Backup codes as another system kept them: in clear (a list, or `{ codes }`), hashed with bcrypt
 * (`{ bcrypt, pepper? }`: Devise appends a pepper before hashing), or as the keyed hashes a
 * factorkit export writes (`{ keyed, keyId }`, only into a store with the same keys).
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
      keyed: z
        .array(z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be a keyed hash from factorkit export'))
        .min(1)
        .max(MAX_IMPORTED_CODES),
      keyId: z.string().min(1).max(64),
      form: z.enum(['plain', 'plain-nocase']).optional(),
      ...extra,
    })
    .strict(),
]);

export type ImportedCodes = z.input<typeof importedCodesSchema>;
type Parsed = z.output<typeof importedCodesSchema>;

/** The set to store, checked beyond the schema. @throws `INVALID_INPUT` naming `backupCodes`. */
function codeSet(ctx: MethodContext, value: Parsed, now: number): ImportedCodeSet {
  const object = Array.isArray(value) ? { codes: value } : value;
  const base = { generatedAt: object.generatedAt ?? now };
  if ('bcrypt' in object) {
    return {
      kind: 'bcrypt',
      hashes: object.bcrypt,
      ...(object.pepper ? { pepper: object.pepper } : {}),
      total: object.total ?? object.bcrypt.length,
      ...base,
    };
  }
  if ('keyed' in object) {
    if (ctx.keyring.hash('', '', object.keyId) === null)
      throw new InvalidInputError(
        'backupCodes.keyId',
        'names a key this keyring does not hold: import with the keys the export was made with',
      );
    return {
      kind: 'keyed',
      keyId: object.keyId,
      hashes: object.keyed,
      ...(object.form ? { form: object.form } : {}),
      total: object.total ?? object.keyed.length,
      ...base,
    };
  }
  const form = plainFormOf(object.codes);
  object.codes.forEach((code, i) => {
    const field = Array.isArray(value) ? `backupCodes.${i}` : `backupCodes.codes.${i}`;
    if (ctx.vault.normalize(code) !== null) return;
    const canonical = foreignCanonical(code, form);
    if (canonical === null)
      throw new InvalidInputError(field, 'must be 6 to 64 letters and digits (spaces and dashes aside)');
    // A login reads the codes only for what cannot be an app's code.
    if (looksLikeAppCode(canonical, ctx.totp.digits))
      throw new InvalidInputError(
        field,
        `looks like an authenticator app's code (${ctx.totp.digits} digits)`,
      );
  });
  if (new Set(object.codes).size !== object.codes.length)
    throw new InvalidInputError(
      Array.isArray(value) ? 'backupCodes' : 'backupCodes.codes',
      'has a code twice',
    );
  return { kind: 'plain', codes: object.codes, form, total: object.total ?? object.codes.length, ...base };
}

/** Backup codes: one record of unused codes, stored as the org policy says (hashed or viewable). */
export const backupCodesTransfer: MethodTransfer<Parsed> = {
  method: 'backup-code',
  field: 'backupCodes',
  schema: importedCodesSchema as z.ZodType<Parsed>,
  factor: false,
  clears: [],
  keys: (userId) => [storeKeys.backupCodes(userId)],
  async write(ctx, userId, value, now) {
    const set = codeSet(ctx, value, now);
    const policy = await ctx.policy();
    return { fields: {}, ops: [ctx.vault.importOp(userId, set, policy.backupCodes.storage)] };
  },
  read(ctx, userId, user) {
    const set = ctx.vault.exportOf(userId, user['backupCodes']?.fields ?? null);
    if (!set) return undefined;
    const extras = { total: set.total, generatedAt: set.generatedAt };
    if (set.kind === 'bcrypt')
      return { bcrypt: set.hashes, ...(set.pepper ? { pepper: set.pepper } : {}), ...extras };
    if (set.kind === 'keyed')
      return { keyed: set.hashes, keyId: set.keyId, ...(set.form ? { form: set.form } : {}), ...extras };
    return { codes: set.codes, ...extras };
  },
};
