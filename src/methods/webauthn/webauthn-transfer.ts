import { z } from 'zod';
import { InvalidInputError } from '../../core/errors.js';
import { storeKeys } from '../../store/keys.js';
import { userFields } from '../../store/layout.js';
import type { Fields } from '../../store/store.js';
import type { MethodTransfer } from '../transfer.js';
import { keysOf } from './webauthn-assertion.js';
import type { WebauthnContext } from './webauthn-context.js';
import { coseKeyProblem } from './webauthn-cose.js';
import {
  credentialField,
  credentialsOf,
  credentialValue,
  labelField,
  type StoredCredential,
} from './webauthn-credentials.js';
import { originOnSite, originSchema, rpIdSchema } from './webauthn-json.js';
import { DEFAULT_KEY_LABEL, labelSchema, MAX_KEYS_PER_USER } from './webauthn-registration.js';

const base64url = z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be base64url');
/** Bytes as a string: base64url, or base64 as many libraries keep them (better-auth's passkeys). */
const bytesText = z
  .string()
  .min(1)
  .max(8192)
  .regex(/^[A-Za-z0-9+/_-]+={0,2}$/, 'must be base64 or base64url');
const instant = z.number().int().min(0).max(8.64e15);

/** A security key or passkey as `@simplewebauthn/server` and most libraries keep one. */
export const importedKeySchema = z
  .object({
    /** The credential id, base64url (1 to 1023 bytes). */
    id: base64url.min(2).max(1400),
    /** The COSE public key: bytes, or base64/base64url text. */
    publicKey: z.union([bytesText, z.instanceof(Uint8Array)]),
    counter: z.number().int().min(0).max(0xffff_ffff).default(0),
    transports: z
      .array(z.string().regex(/^[a-z-]{1,20}$/, 'must be a transport name'))
      .max(10)
      .default([]),
    /** The authenticator model (a UUID); all zeros when unknown. */
    aaguid: z.uuid().default('00000000-0000-0000-0000-000000000000'),
    /** A passkey that may sync between devices, and whether it is backed up now. */
    backupEligible: z.boolean().default(false),
    backedUp: z.boolean().default(false),
    label: labelSchema.optional(),
    createdAt: instant.optional(),
    lastUsedAt: instant.nullable().default(null),
    /**
     * The user handle the old system gave the authenticator (base64url); null (or absent) when it
     * kept none: the first sign-in that shows one records it.
     */
    userHandle: base64url.max(128).nullable().optional(),
    /** The relying party and origin the key was registered on; default: `createTwoFactor({ webauthn })`'s. */
    rpId: rpIdSchema.optional(),
    origin: originSchema.optional(),
  })
  .strict();

export const importedKeysSchema = z
  .array(importedKeySchema)
  .min(1)
  .max(MAX_KEYS_PER_USER)
  .refine((keys) => new Set(keys.map((k) => k.id)).size === keys.length, 'has a credential id twice');

export type ImportedKey = z.input<typeof importedKeySchema>;
type Parsed = z.output<typeof importedKeysSchema>;

/** One imported key as stored. @throws `INVALID_INPUT` naming `securityKeys.<i>.<field>`. */
async function storedKey(
  ctx: WebauthnContext,
  key: Parsed[number],
  i: number,
  now: number,
): Promise<StoredCredential> {
  const field = (name: string) => `securityKeys.${i}.${name}`;
  const idBytes = Buffer.from(key.id, 'base64url').length;
  if (idBytes < 1 || idBytes > 1023) throw new InvalidInputError(field('id'), 'must be 1 to 1023 bytes');
  const publicKey = typeof key.publicKey === 'string' ? Buffer.from(key.publicKey, 'base64') : key.publicKey;
  const problem = await coseKeyProblem(publicKey);
  if (problem) throw new InvalidInputError(field('publicKey'), problem);
  const rpId = key.rpId ?? ctx.webauthn.rpId;
  const origin = key.origin ?? ctx.webauthn.origin;
  if (rpId === undefined)
    throw new InvalidInputError(
      field('rpId'),
      'is needed: give it, or set createTwoFactor({ webauthn: { rpId } })',
    );
  if (origin === undefined)
    throw new InvalidInputError(
      field('origin'),
      'is needed: give it, or set createTwoFactor({ webauthn: { origin } })',
    );
  if (!originOnSite(origin, rpId))
    throw new InvalidInputError(field('origin'), 'must be on rpId or a subdomain of it');
  // Without a handle (the old system kept none), the first sign-in records the one the key shows.
  const handle = key.userHandle == null ? {} : { userHandle: key.userHandle };
  return {
    id: key.id,
    publicKey: Buffer.from(publicKey).toString('base64url'),
    counter: key.counter,
    transports: key.transports,
    aaguid: key.aaguid,
    backupEligible: key.backupEligible,
    backedUp: key.backedUp,
    rpId,
    origin,
    label: key.label ?? DEFAULT_KEY_LABEL,
    createdAt: key.createdAt ?? now,
    lastUsedAt: key.lastUsedAt,
    ...handle,
  };
}

/** Security keys: `{tag}:webauthn` (one field per key, one per label) and `webauthn` in `{tag}:user`. */
export const webauthnTransfer: MethodTransfer<Parsed> = {
  method: 'webauthn',
  field: 'securityKeys',
  schema: importedKeysSchema as z.ZodType<Parsed>,
  factor: true,
  clears: [userFields.webauthn],
  keys: (userId) => [storeKeys.webauthn(userId), storeKeys.webauthnPending(userId)],
  async write(ctx: WebauthnContext, userId, value, now) {
    const fields: Fields = {};
    for (const [i, key] of value.entries()) {
      const stored = await storedKey(ctx, key, i, now);
      fields[credentialField(stored.id)] = credentialValue(stored);
      fields[labelField(stored.id)] = stored.label;
    }
    return {
      fields: { [userFields.webauthn]: '1' },
      ops: [{ type: 'put', key: storeKeys.webauthn(userId), fields, expiresAt: null }],
    };
  },
  // Per credential id, the higher counter (a sign-in in factorkit since the import) and the use that
  // raised it. A key only in the source is new; one gone from the source goes (the put replaces the record).
  keep(op, read) {
    if (op.type !== 'put') return op;
    const known = new Map(keysOf(read).map((key) => [key.id, key]));
    const fields = { ...op.fields };
    for (const key of credentialsOf(op.fields)) {
      const seen = known.get(key.id);
      if (!seen || seen.counter <= key.counter) continue;
      fields[credentialField(key.id)] = credentialValue({
        ...key,
        counter: seen.counter,
        lastUsedAt: Math.max(key.lastUsedAt ?? 0, seen.lastUsedAt ?? 0) || null,
      });
    }
    return { ...op, fields };
  },
  // The keys and their labels; not their counters, last use or a handle a sign-in records.
  enrolment(user) {
    const keys = keysOf(user);
    if (keys.length === 0) return undefined;
    return keys.map((key) => [key.id, key.label]).sort(([a], [b]) => (a! < b! ? -1 : a! > b! ? 1 : 0));
  },
  read(_ctx, _userId, user) {
    const keys = keysOf(user);
    if (keys.length === 0) return undefined;
    return keys.map((key) => ({
      id: key.id,
      publicKey: key.publicKey,
      counter: key.counter,
      transports: key.transports,
      aaguid: key.aaguid,
      backupEligible: key.backupEligible,
      backedUp: key.backedUp,
      label: key.label,
      createdAt: key.createdAt,
      lastUsedAt: key.lastUsedAt,
      userHandle: key.userHandle ?? null,
      rpId: key.rpId,
      origin: key.origin,
    }));
  },
};
