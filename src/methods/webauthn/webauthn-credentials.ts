import { z } from 'zod';
import { FactorkitError } from '../../core/errors.js';
import type { Fields } from '../../store/store.js';

/** Field prefix of one credential in `{tag}:webauthn`. */
const FIELD_PREFIX = 'c:';
/**
 * Field prefix of a credential's label, apart from the credential: a login updates the credential
 * (counter, last use) only while it is as read, and a rename must not make that check fail.
 */
const LABEL_PREFIX = 'n:';

/** A security key or passkey as stored: everything verifying an assertion and listing keys needs. */
export interface StoredCredential {
  /** The credential id (base64url). */
  id: string;
  /** The COSE public key (base64url). */
  publicKey: string;
  /** The signature counter last seen (0 for authenticators that keep none). */
  counter: number;
  transports: string[];
  /** The authenticator model's AAGUID (all zeros when the attestation is `none`). */
  aaguid: string;
  /** Whether the credential may be synced to other devices (a passkey), and whether it is. */
  backupEligible: boolean;
  backedUp: boolean;
  /** The relying party and the origin it was registered on: an assertion must match both. */
  rpId: string;
  origin: string;
  label: string;
  createdAt: number;
  lastUsedAt: number | null;
  /**
   * The user handle the authenticator keeps (base64url): the one it was given at registration,
   * kept because the authenticator keeps it forever while the key it was derived with may rotate
   * away; for an imported key, the one its first system gave it. Absent for keys registered
   * before it was kept and for imported keys whose system kept none (better-auth's passkeys): the
   * first sign-in that shows one records it, once the signature has proven the key.
   */
  userHandle?: string | undefined;
}

const storedSchema = z.object({
  publicKey: z.string(),
  counter: z.number().int().min(0),
  transports: z.array(z.string()),
  aaguid: z.string(),
  backupEligible: z.boolean(),
  backedUp: z.boolean(),
  rpId: z.string(),
  origin: z.string(),
  createdAt: z.number(),
  lastUsedAt: z.number().nullable(),
  userHandle: z.string().optional(),
});

/** The field of `{tag}:webauthn` holding credential `id`. */
export const credentialField = (id: string): string => FIELD_PREFIX + id;

/** The field of `{tag}:webauthn` holding the label of credential `id`. */
export const labelField = (id: string): string => LABEL_PREFIX + id;

/** A credential as the field value it is stored in (its id is the field's name, its label a field of its own). */
export function credentialValue({ id: _id, label: _label, ...credential }: StoredCredential): string {
  return JSON.stringify(credential);
}

/** The credentials of a `{tag}:webauthn` record, oldest first. @throws `CORRUPT_RECORD` for a damaged field. */
export function credentialsOf(fields: Fields | null | undefined): StoredCredential[] {
  if (!fields) return [];
  const found: StoredCredential[] = [];
  for (const [name, value] of Object.entries(fields)) {
    if (!name.startsWith(FIELD_PREFIX)) continue;
    let parsed: z.infer<typeof storedSchema>;
    try {
      parsed = storedSchema.parse(JSON.parse(value));
    } catch (cause) {
      throw new FactorkitError('CORRUPT_RECORD', 'webauthn record holds a damaged credential', { cause });
    }
    const id = name.slice(FIELD_PREFIX.length);
    found.push({
      id,
      ...parsed,
      label: Object.hasOwn(fields, labelField(id)) ? fields[labelField(id)]! : '',
    });
  }
  // Keys added in the same millisecond come in id order: every store gives the same list.
  return found.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** What `webauthn.list` shows of a key: never its public key. */
export interface SecurityKey {
  id: string;
  label: string;
  createdAt: number;
  lastUsedAt: number | null;
  transports: string[];
  aaguid: string;
  /** A passkey that syncs between devices (`backupEligible`), and whether it is backed up now. */
  backupEligible: boolean;
  backedUp: boolean;
}

/** The listed view of a stored credential. */
export function securityKeyView(credential: StoredCredential): SecurityKey {
  const { id, label, createdAt, lastUsedAt, transports, aaguid, backupEligible, backedUp } = credential;
  return { id, label, createdAt, lastUsedAt, transports, aaguid, backupEligible, backedUp };
}
