import { z } from 'zod';
import { InvalidInputError } from '../core/errors.js';
import { userIdSchema } from '../core/validation.js';
import type { ImportedCodes } from '../methods/backup-codes/backup-codes-transfer.js';
import type { ImportedEmail } from '../methods/email/email-transfer.js';
import type { ImportedPhone } from '../methods/phone/phone-transfer.js';
import type { ImportedTotp } from '../methods/totp/totp-transfer.js';
import type { ImportedKey } from '../methods/webauthn/webauthn-transfer.js';
import { transfers } from './transfers.js';

export type { ImportedCodes, ImportedEmail, ImportedKey, ImportedPhone, ImportedTotp };

/**
 * One user's enrolments as another system (or a factorkit export) kept them: the line format of
 * `factorkit import --from jsonl` and of `factorkit export` (docs/migration.md).
 */
export interface ImportedUser {
  userId: string;
  /** An authenticator app: its key and how it computes codes. */
  totp?: ImportedTotp | undefined;
  /** Backup codes: in clear, bcrypt-hashed, or as a factorkit export's keyed hashes. */
  backupCodes?: ImportedCodes | undefined;
  /** Security keys and passkeys. */
  securityKeys?: ImportedKey[] | undefined;
  /** An address to enable as the email method. */
  email?: ImportedEmail | undefined;
  /** A number to enable for text-message codes (the facade must have option `phone`). */
  phone?: ImportedPhone | undefined;
}

/** A validated user: the fields of the transfers it carries, by field name. */
export interface ParsedUser {
  userId: string;
  methods: Record<string, unknown>;
}

const userSchema = z
  .object({
    userId: userIdSchema,
    ...Object.fromEntries(transfers.map((t) => [t.field, t.schema.optional()])),
  })
  .strict();

/**
 * Validates an imported user. @throws `INVALID_INPUT` whose `field` is the path at fault
 * (`totp.secret`, `securityKeys.0.publicKey`); the message never repeats the value.
 */
export function parseImportedUser(input: unknown): ParsedUser {
  const result = userSchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue && issue.path.length > 0 ? issue.path.join('.') : 'user';
    throw new InvalidInputError(path, issue?.message ?? 'invalid');
  }
  const { userId, ...rest } = result.data as { userId: string } & Record<string, unknown>;
  const methods = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined));
  if (!transfers.some((t) => t.factor && methods[t.field] !== undefined))
    throw new InvalidInputError(
      'user',
      `needs a factor (${transfers
        .filter((t) => t.factor)
        .map((t) => t.field)
        .join(', ')}): backup codes alone turn nothing on`,
    );
  return { userId, methods };
}

/** The validated user as stable text (keys sorted, bytes as base64url): what a fingerprint covers. */
export function canonicalText(user: ParsedUser): string {
  return JSON.stringify({ userId: user.userId, ...user.methods }, (_key, value: unknown) => {
    if (value instanceof Uint8Array) return { bytes: Buffer.from(value).toString('base64url') };
    if (value && typeof value === 'object' && !Array.isArray(value))
      return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    return value;
  });
}
