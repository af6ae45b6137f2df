import { createHash } from 'node:crypto';
import { Keyring, safeEqual } from '../../core/keyring.js';
import type { KeyChange } from '../../store/key-use.js';
import type { Fields } from '../../store/store.js';

/**
 * The `{tag}:backup-codes` record. Each unused code is a field `c:<n>` whose value is sealed
 * (AES-256-GCM, bound to the user) under the key current when it was written: in `viewable`
 * storage the code itself, in `hashed` storage only its SHA-256 digest (bound to the user), so the
 * codes cannot be read back even with the key. Both can be sealed again under a new key without
 * the codes, which is what lets a key rotation finish (`rekey`). 80-bit codes need no slow or
 * keyed hash under the seal (neither do imported ones: the seal is what keeps the digest).
 * `storage` says which; `total` and `generatedAt` describe the set; `form` says how codes another
 * system issued are matched, and a `bcrypt` set keeps `b:<n>` fields instead (`foreign-codes.ts`).
 *
 * Records written before (factorkit 0.1) have `kid` instead: field names are the codes' HMACs
 * under that key and the values `'1'` (hashed) or the sealed code (viewable). They keep working
 * while `kid` is configured; viewable ones are converted by `rekey`, hashed ones cannot be moved
 * (the codes are gone): they end when the user uses or regenerates them.
 */
export const FIELD_PREFIX = 'c:';
const DIGEST_PREFIX = 'sha256:';

export const hashContext = (userId: string) => `backup-code\0${userId}`;
export const sealContext = (userId: string) => `backup-code-sealed\0${userId}`;

/** The code fields of a record, `[name, value]`. */
export const codeEntries = (record: Fields) =>
  Object.entries(record).filter(([name]) => name.startsWith(FIELD_PREFIX));

/** A record written before seals: names are HMACs under `kid`. */
export const isHashNamed = (record: Fields) => Object.hasOwn(record, 'kid');

/** What hashed storage seals for a code: an unkeyed digest bound to the user. */
export function codeDigest(userId: string, canonical: string): string {
  const digest = createHash('sha256').update(hashContext(userId)).update('\0').update(canonical);
  return DIGEST_PREFIX + digest.digest('base64url');
}

/** The sealed value of a code as stored: the code (viewable) or its digest (hashed). */
export function sealedCode(
  keyring: Keyring,
  userId: string,
  code: string,
  canonical: string,
  viewable: boolean,
) {
  return keyring.seal(viewable ? code : codeDigest(userId, canonical), sealContext(userId));
}

/** The plaintext of a sealed value, or null when its key is not configured or it does not open. */
export function openOrNull(keyring: Keyring, sealed: string, context: string): string | null {
  if (!keyring.has(Keyring.keyIdOf(sealed))) return null;
  try {
    return keyring.open(sealed, context);
  } catch {
    return null;
  }
}

/** The plaintext under a sealed code value, or null when its key is not configured or it does not open. */
export const openCode = (keyring: Keyring, userId: string, sealed: string) =>
  openOrNull(keyring, sealed, sealContext(userId));

/** Whether an opened value proves `canonical` (the typed code, normalized): constant-time. */
export function provesCode(
  opened: string,
  userId: string,
  canonical: string,
  normalize: (text: string) => string | null,
) {
  return opened.startsWith(DIGEST_PREFIX)
    ? safeEqual(opened, codeDigest(userId, canonical))
    : safeEqual(normalize(opened) ?? '', canonical);
}

/** The key ids a record uses: its hash key (0.1 records) and the key of every sealed value. */
export function recordKeyIds(record: Fields): string[] {
  const ids = new Set<string>();
  if (isHashNamed(record)) ids.add(record['kid']!);
  for (const [, value] of codeEntries(record)) {
    const id = Keyring.keyIdOf(value);
    if (id !== null) ids.add(id);
  }
  return [...ids];
}

/**
 * Every code value sealed again under the current key, guarded by the values read. A 0.1
 * viewable record becomes a sealed one (`kid` goes: the names stay, so a login that read the
 * record before still takes its code). Null when there is nothing to move, or it cannot move: a
 * 0.1 hashed record (its codes are known to nobody) or a value whose key is gone.
 */
export function rekeyRecord(record: Fields, userId: string, keyring: Keyring): KeyChange | null {
  const entries = codeEntries(record);
  const legacy = isHashNamed(record);
  if (entries.length === 0 || (legacy && entries.some(([, value]) => value === '1'))) return null;
  const set: Fields = {};
  const match: Fields = {};
  for (const [name, value] of entries) {
    if (!legacy && Keyring.keyIdOf(value) === keyring.currentId) continue;
    const opened = openCode(keyring, userId, value);
    if (opened === null) return null;
    set[name] = keyring.seal(opened, sealContext(userId));
    match[name] = value;
  }
  if (!legacy) return Object.keys(set).length > 0 ? { set, match } : null;
  return { set: { ...set, storage: 'viewable' }, unset: ['kid'], match: { ...match, kid: record['kid']! } };
}
