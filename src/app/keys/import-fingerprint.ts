import * as nodeCrypto from 'node:crypto';
import { type Keyring, safeEqual } from '../../core/keyring.js';
import { type KeyUse, lastingSealedField } from '../../store/key-use.js';
import { userFields } from '../../store/layout.js';

const fingerprintContext = (userId: string) => `import\0${userId}`;
/** SHA-256 of the text, base64url: Node's one-shot `crypto.hash` (no Hash object), `createHash` where a runtime lacks it. */
export const digestOf: (text: string) => string =
  typeof nodeCrypto.hash === 'function'
    ? (canonical) => nodeCrypto.hash('sha256', canonical, 'base64url')
    : (canonical) => nodeCrypto.createHash('sha256').update(canonical).digest('base64url');

/**
 * The fingerprint an import leaves in `{tag}:user` (`imported`; `factorkit/import`: importing the
 * same user again changes nothing): the SHA-256 digest of the imported user's canonical text,
 * sealed, because that text holds secrets. Sealed rather than a keyed hash so that a rotation can
 * move it like any sealed value: a keyed hash of text nobody kept could never leave the old key.
 */
export function sealFingerprint(keyring: Keyring, userId: string, canonical: string): string {
  return keyring.seal(digestOf(canonical), fingerprintContext(userId));
}

/** Whether a stored fingerprint is that of `canonical` (false when it cannot be opened). */
export function fingerprintMatches(
  keyring: Keyring,
  userId: string,
  stored: string,
  canonical: string,
): boolean {
  try {
    return safeEqual(keyring.open(stored, fingerprintContext(userId)), digestOf(canonical));
  } catch {
    return false;
  }
}

/** For `tf.keys`: the fingerprint lasts as long as the user, and `rekey` (or a sign-in) moves it. */
export const importFingerprintKeyUse: KeyUse = lastingSealedField(
  'import-fingerprint',
  'user',
  userFields.imported,
  fingerprintContext,
);
