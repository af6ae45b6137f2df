import { createHash } from 'node:crypto';
import { HmacSha256 } from '../../core/hmac-sha256.js';
import { Keyring, safeEqual } from '../../core/keyring.js';
import type { KeyChange } from '../../store/key-use.js';
import type { Fields } from '../../store/store.js';

/**
 * The `{tag}:backup-codes` record. Each unused code is a field `c:<n>`:
 * - in `hashed` storage (the default), the code's HMAC-SHA256 (`hmac-sha256:...`, bound to the
 *   user) under the set's own random 256-bit key, which is sealed (AES-256-GCM, bound to the user)
 *   in the `salt` field under the key current when it was written: without the application key the
 *   codes can be neither read nor tested, and a key rotation moves the set by sealing its one key
 *   again (`rekey`). One seal per set, not per code: writing ten codes costs one AES-GCM seal and
 *   ten hashes, and checking a code one open. 80-bit codes need no slow hash (neither do imported
 *   ones: the sealed key is what keeps the hashes).
 * - in `viewable` storage, the code itself sealed under the current key, one seal per code.
 * `storage` says which; `total` and `generatedAt` describe the set; `form` says how codes another
 * system issued are matched, and a `bcrypt` set keeps `b:<n>` fields instead (`foreign-codes.ts`).
 *
 * Hashed sets of the earlier form have no `salt`: each value is the code's SHA-256 digest (bound to
 * the user) sealed on its own. They keep working, move with `rekey` value by value, and export as
 * they are. Records written by factorkit 0.1 have `kid` instead: field names are the
 * codes' HMACs under that key and the values `'1'` (hashed) or the sealed code (viewable). They keep
 * working while `kid` is configured; viewable ones are converted by `rekey`, hashed ones cannot be
 * moved (the codes are gone): they end when the user uses or regenerates them.
 */
export const FIELD_PREFIX = 'c:';
const DIGEST_PREFIX = 'sha256:';
const MAC_PREFIX = 'hmac-sha256:';
/** The field of a hashed set's sealed key. */
export const SALT_FIELD = 'salt';

export const hashContext = (userId: string) => `backup-code\0${userId}`;
export const sealContext = (userId: string) => `backup-code-sealed\0${userId}`;
export const saltContext = (userId: string) => `backup-code-salt\0${userId}`;

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

/** A set of hashed codes under one sealed key (`salt`), the form hashed storage writes. */
export const isSalted = (record: Fields) => Object.hasOwn(record, SALT_FIELD);

/**
 * What hashed storage keeps for each code of a set: its HMAC-SHA256 under the set's key (`salt`,
 * opened), bound to the user. The key's pads are hashed once for the whole set.
 */
export function saltedDigester(salt: string, userId: string): (canonical: string) => string {
  const mac = new HmacSha256(Buffer.from(salt, 'base64url'));
  const bound = `${hashContext(userId)}\0`;
  return (canonical) => MAC_PREFIX + mac.base64url(bound + canonical);
}

/** The opened key of a salted set, or null when its key is not configured or it does not open. */
export const openSalt = (keyring: Keyring, userId: string, record: Fields) =>
  openOrNull(keyring, record[SALT_FIELD] ?? '', saltContext(userId));

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

/** The key ids a record uses: its hash key (0.1 records), its sealed key and every sealed value's. */
export function recordKeyIds(record: Fields): string[] {
  const ids = new Set<string>();
  if (isHashNamed(record)) ids.add(record['kid']!);
  if (isSalted(record)) {
    const id = Keyring.keyIdOf(record[SALT_FIELD]!);
    if (id !== null) ids.add(id);
  }
  for (const [, value] of codeEntries(record)) {
    const id = Keyring.keyIdOf(value);
    if (id !== null) ids.add(id);
  }
  return [...ids];
}

/**
 * Every code value (of a salted set, its key) sealed again under the current key, guarded by the
 * values read. A 0.1 viewable record becomes a sealed one (`kid` goes: the names stay, so a login that read the
 * record before still takes its code). Null when there is nothing to move, or it cannot move: a
 * 0.1 hashed record (its codes are known to nobody) or a value whose key is gone.
 */
export function rekeyRecord(record: Fields, userId: string, keyring: Keyring): KeyChange | null {
  if (isSalted(record)) return rekeySalt(record, userId, keyring);
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

/** A salted set moves by its one key: sealed again under the current key, guarded by the value read. */
function rekeySalt(record: Fields, userId: string, keyring: Keyring): KeyChange | null {
  const sealed = record[SALT_FIELD]!;
  if (Keyring.keyIdOf(sealed) === keyring.currentId) return null;
  const salt = openOrNull(keyring, sealed, saltContext(userId));
  if (salt === null) return null;
  return { set: { [SALT_FIELD]: keyring.seal(salt, saltContext(userId)) }, match: { [SALT_FIELD]: sealed } };
}
