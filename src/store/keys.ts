import * as nodeCrypto from 'node:crypto';

/**
 * Store key names. Every key of one user carries the same `{tag}` so that Redis Cluster keeps
 * them in one slot and multi-key scripts run; the tag is the user id in base64url, so ids with
 * braces or colons stay safe.
 */
export function userTag(userId: string): string {
  let tag = recentTags.get(userId);
  if (tag === undefined) {
    tag = Buffer.from(userId, 'utf8').toString('base64url');
    // A login builds several keys of one user: remember the last few thousand tags (ids only).
    if (recentTags.size >= RECENT_TAGS) {
      recentTags.clear();
      recentIds.clear();
    }
    recentTags.set(userId, tag);
    recentIds.set(tag, userId);
  }
  return tag;
}

const RECENT_TAGS = 4096;
const recentTags = new Map<string, string>();
/** The same tags the other way round: a tag made here is canonical, so its id needs no decoding. */
const recentIds = new Map<string, string>();

/** The user id behind a tag, or null when the tag is not valid base64url of a non-empty id. */
export function userIdFromTag(tag: string): string | null {
  const known = tag.length <= 700 ? recentIds.get(tag) : undefined;
  if (known !== undefined) return known;
  if (!/^[A-Za-z0-9_-]{1,700}$/.test(tag)) return null;
  const id = Buffer.from(tag, 'base64url').toString('utf8');
  return id.length > 0 && userTag(id) === tag ? id : null;
}

/** The key `name` of the user whose tag is `tag`: `{tag}:name`. */
export const tagKey = (tag: string, name: string): string => `{${tag}}:${name}`;

/**
 * The key of a record `name` of one user, `{tag}:name`: a method names its own records with it
 * (`{tag}:phone-pending`), in the user's Redis Cluster slot.
 */
export const userRecordKey = (userId: string, name: string): string => tagKey(userTag(userId), name);

const user = userRecordKey;

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * The first 128 bits of SHA-256 of a string, base64url (22 characters). Node's one-shot
 * `crypto.hash` straight to text: no Hash object, and no Buffer (a new one per call is memory
 * outside V8's heap, which makes full collections come sooner); `createHash` where a runtime lacks
 * it. The digest's first 21 characters carry bits 0-125; the 22nd of 16 bytes alone carries bits
 * 126-127 and four zero bits, so it is the digest's 22nd with its low four bits cleared.
 */
const sha256Prefix: (text: string) => string =
  typeof nodeCrypto.hash === 'function'
    ? (text) => {
        const full = nodeCrypto.hash('sha256', text, 'base64url');
        return full.slice(0, 21) + BASE64URL[BASE64URL.indexOf(full[21]!) & 0x30];
      }
    : (text) => nodeCrypto.createHash('sha256').update(text).digest().subarray(0, 16).toString('base64url');

/**
 * The record name of a bearer secret (a session key, a challenge nonce): SHA-256 of the secret
 * under a `purpose` label, cut to 128 bits, base64url. A readable store then lists no live session
 * or challenge: turning a name back into the secret is a 2^128 search, since the secrets are 128-bit
 * random values. Unkeyed on purpose: a hash under the application key would change when the key
 * rotates, ending every session and challenge (and checking every configured key would cost a read
 * per key); the secret's own randomness is what protects it, not a key.
 */
export function secretRef(purpose: string, secret: string): string {
  return sha256Prefix(`factorkit:${purpose}\0${secret}`);
}

/**
 * Every key factorkit writes (layout 2). A user's factors, replay floor and admin-issued code are
 * fields of one record, `{tag}:user`, so a login reads one record where 0.1 read five
 * (`src/store/layout.ts` names the fields and moves 0.1 data over).
 */
export const storeKeys = {
  user: (userId: string) => user(userId, 'user'),
  totpPending: (userId: string) => user(userId, 'totp-pending'),
  emailPending: (userId: string) => user(userId, 'email-pending'),
  emailSends: (userId: string) => user(userId, 'email-sends'),
  backupCodes: (userId: string) => user(userId, 'backup-codes'),
  webauthn: (userId: string) => user(userId, 'webauthn'),
  webauthnPending: (userId: string) => user(userId, 'webauthn-pending'),
  accountAttempts: (userId: string) => user(userId, 'attempts'),
  devices: (userId: string) => user(userId, 'devices'),
  /** A challenge, named by the hash of what follows the user's tag in its id (the nonce, and its step-up budget). */
  challenge: (userId: string, idSecret: string) =>
    user(userId, `challenge:${secretRef('challenge', idSecret)}`),
  /** An open session, named by the hash of its key ({@link sessionRef}). */
  session: (userId: string, sessionKey: string) => user(userId, `session:${sessionRef(sessionKey)}`),
  /** The same record, by the hash of its key (a step-up challenge id carries it). */
  sessionByRef: (userId: string, ref: string) => user(userId, `session:${ref}`),
  /** The step-up failures of the sessions one trusted browser opened without a second factor. */
  stepUpByDevice: (userId: string, deviceId: string) => user(userId, `step-up:${deviceId}`),
  sessionsFrom: (userId: string) => user(userId, 'sessions-from'),
  /** The hourly budget of one kind of security notice (an attempt counter, expiring with its hour). */
  notices: (userId: string, kind: string) => user(userId, `notices:${kind}`),
  /** The platform policy (what `policy.set` stored before organizations: the same record). */
  policy: () => 'policy',
  /** One org's policy: only what the org changed over the platform's. The id in base64url (any id is a safe key). */
  orgPolicy: (org: string) => `policy:org:${Buffer.from(org, 'utf8').toString('base64url')}`,
} as const;

/**
 * The hash that names a session's record. Every request of a session asks for it, so the last few
 * thousand are remembered (keys of sessions this process serves, which its host holds anyway).
 */
export function sessionRef(sessionKey: string): string {
  let ref = recentSessionRefs.get(sessionKey);
  if (ref === undefined) {
    ref = secretRef('session', sessionKey);
    if (recentSessionRefs.size >= RECENT_TAGS) recentSessionRefs.clear();
    recentSessionRefs.set(sessionKey, ref);
  }
  return ref;
}

const recentSessionRefs = new Map<string, string>();

/**
 * The record names of layout 1 (factorkit 0.1) that layout 2 folds into `{tag}:user`, for
 * migrations only: `{tag}:totp`, `{tag}:totp-step`, `{tag}:email`, `{tag}:admin-code`.
 */
export const layout1Names = {
  totp: 'totp',
  totpStep: 'totp-step',
  email: 'email',
  adminCode: 'admin-code',
} as const;
