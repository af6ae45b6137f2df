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

/**
 * A value as `canonicalText` writes it: what `JSON.stringify` with a replacer that writes bytes as
 * `{ bytes }` and sorts every object's keys gave (the fingerprints of earlier imports were made
 * that way, so it must not change by a byte), without a call back into JavaScript for every value
 * (that replacer was about 4 µs of each user's 5).
 */
function canonicalValue(value: unknown, key: string): unknown {
  let v = value;
  if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function')
    v = (v as { toJSON(key: string): unknown }).toJSON(key);
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Uint8Array) return { bytes: Buffer.from(v).toString('base64url') };
  if (Array.isArray(v)) return v.map((item, i) => canonicalValue(item, String(i)));
  const sorted: Record<string, unknown> = {};
  for (const name of Object.keys(v).sort()) {
    const field = canonicalValue((v as Record<string, unknown>)[name], name);
    // Defined, not assigned: a field named `__proto__` is a field like any other, as Object.fromEntries made it.
    if (name === '__proto__')
      Object.defineProperty(sorted, name, {
        value: field,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else sorted[name] = field;
  }
  return sorted;
}

/** The validated user as stable text (keys sorted, bytes as base64url): what a fingerprint covers. */
export function canonicalText(user: ParsedUser): string {
  return JSON.stringify(canonicalValue({ userId: user.userId, ...user.methods }, ''));
}
