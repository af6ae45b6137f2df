import { z } from 'zod';
import { InvalidInputError } from '../../core/errors.js';
import { fromBase32, toBase32 } from '../../core/otp/base32.js';
import { userFields } from '../../store/layout.js';
import { wholeNumberField } from '../../store/record-fields.js';
import type { Fields } from '../../store/store.js';
import type { MethodTransfer } from '../transfer.js';
import { userField } from '../user-records.js';
import { facadeProfile, parseProfile, profileText, type TotpProfile } from './totp-profile.js';
import { lastStep, totpSealContext } from './totp-secret.js';
import type { TotpContext } from './totp-setup.js';

/** Secrets apps hold: 80 bits (Google Authenticator's old default) to 1024. */
const MIN_BYTES = 10;
const MAX_BYTES = 128;

const instant = z.number().int().min(0).max(8.64e15);

/** An authenticator app linked by another system, as that system kept it. */
export const importedTotpSchema = z
  .object({
    /** The key: base32 as the otpauth URI shows it (default), hex (`encoding: 'hex'`), or raw bytes. */
    secret: z.union([z.string().min(1).max(1024), z.instanceof(Uint8Array)]),
    encoding: z.enum(['base32', 'hex']).default('base32'),
    /** `SHA1`, `SHA256` or `SHA512`, in any case (`sha1`, as otpauth URIs and many libraries write it). */
    algorithm: z
      .string()
      .max(16)
      .transform((name) => name.toUpperCase())
      .pipe(z.enum(['SHA1', 'SHA256', 'SHA512']))
      .default('SHA1'),
    digits: z.union([z.literal(6), z.literal(7), z.literal(8)]).default(6),
    periodSeconds: z.number().int().min(1).max(3600).default(30),
    /** RFC 6238's T0 (django-otp's `t0`), in seconds. */
    epochSeconds: z.number().int().min(0).max(4e9).default(0),
    /** The last time step a code was accepted for (django-otp's `last_t`): older codes never work again. */
    lastUsedStep: z.number().int().min(0).max(1e13).optional(),
    enabledAt: instant.optional(),
  })
  .strict();

export type ImportedTotp = z.input<typeof importedTotpSchema>;

/** The key's bytes. @throws `INVALID_INPUT` naming `totp.secret`. */
function secretBytes(value: z.output<typeof importedTotpSchema>): Uint8Array {
  const { secret, encoding } = value;
  let bytes: Uint8Array | null;
  if (typeof secret !== 'string') bytes = secret;
  else if (encoding === 'hex') bytes = /^([0-9a-fA-F]{2})+$/.test(secret) ? Buffer.from(secret, 'hex') : null;
  else bytes = fromBase32(secret);
  if (bytes === null) throw new InvalidInputError('totp.secret', `is not ${encoding}`);
  if (bytes.length < MIN_BYTES || bytes.length > MAX_BYTES)
    throw new InvalidInputError(
      'totp.secret',
      `must carry ${MIN_BYTES * 8} to ${MAX_BYTES * 8} bits (got ${bytes.length * 8})`,
    );
  return bytes;
}

const sameProfile = (a: TotpProfile, b: TotpProfile) => profileText(a) === profileText(b);

/** TOTP: the sealed key, when it was linked, its replay floor and, when not the facade's, its profile. */
export const totpTransfer: MethodTransfer<z.output<typeof importedTotpSchema>> = {
  method: 'totp',
  field: 'totp',
  schema: importedTotpSchema as z.ZodType<z.output<typeof importedTotpSchema>>,
  factor: true,
  clears: [userFields.totp, userFields.totpAt, userFields.totpStep, userFields.totpParams],
  keys: () => [],
  write(ctx: TotpContext, userId: string, value, now) {
    const bytes = secretBytes(value);
    const profile: TotpProfile = {
      algorithm: value.algorithm,
      digits: value.digits,
      periodSeconds: value.periodSeconds,
      epochSeconds: value.epochSeconds,
    };
    const fields: Fields = {
      [userFields.totp]: ctx.keyring.seal(toBase32(bytes), totpSealContext(userId)),
      [userFields.totpAt]: String(value.enabledAt ?? now),
    };
    if (value.lastUsedStep !== undefined) fields[userFields.totpStep] = String(value.lastUsedStep);
    // The facade's own way needs no profile; a short key does (the facade's verifier refuses it).
    if (!sameProfile(profile, facadeProfile(ctx)) || bytes.length < 16)
      fields[userFields.totpParams] = profileText(profile);
    return { fields, ops: [] };
  },
  // A new key is linked with a new `totpAt` (and `enrolledAt`); the sealed key itself moves with the keys.
  enrolment(user) {
    if (userField(user, userFields.totp) === undefined) return undefined;
    return [userField(user, userFields.totpAt) ?? null, userField(user, userFields.totpParams) ?? null];
  },
  read(ctx: TotpContext, userId: string, user) {
    const sealed = userField(user, userFields.totp);
    if (sealed === undefined) return undefined;
    const params = userField(user, userFields.totpParams);
    const profile = params === undefined ? facadeProfile(ctx) : parseProfile(params);
    const at = userField(user, userFields.totpAt);
    const step = lastStep(user);
    return {
      secret: ctx.keyring.open(sealed, totpSealContext(userId)),
      encoding: 'base32' as const,
      ...profile,
      ...(step === undefined ? {} : { lastUsedStep: step }),
      ...(at === undefined ? {} : { enabledAt: wholeNumberField(at, userFields.totpAt, 'user') }),
    };
  },
};
