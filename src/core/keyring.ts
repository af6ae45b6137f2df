import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createSecretKey,
  hkdfSync,
  type KeyObject,
  timingSafeEqual,
} from 'node:crypto';
import { FactorkitError } from './errors.js';
import { decodeKey, type KeyMaterial, namedKeys } from './key-material.js';
import { randomNonce } from './random.js';

/**
 * The application keys: one key (hex or base64url text of 32 random bytes or more, or the bytes),
 * or `{ current, ...older }` during a rotation (an older key left `undefined` is ignored).
 */
export type KeysInput = KeyMaterial | ({ current: KeyMaterial } & Record<string, KeyMaterial | undefined>);

interface DerivedKey {
  id: string;
  /** The AES key as a KeyObject, made once: each seal and open would otherwise import the bytes again. */
  aead: KeyObject;
  mac: Buffer;
}

function derive(secret: Buffer): DerivedKey {
  const sub = (info: string) => Buffer.from(hkdfSync('sha256', secret, 'factorkit', info, 32));
  return {
    id: sub('key-id').subarray(0, 6).toString('base64url'),
    aead: createSecretKey(sub('aead/aes-256-gcm')),
    mac: sub('mac/hmac-sha256'),
  };
}

/** The shape of a sealed value: `v1.<key id>.<iv>.<ciphertext and tag>`. */
const SEALED = /^v1\.([A-Za-z0-9_-]{8})\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * The application keys: AES-256-GCM for secrets at rest and HMAC-SHA256 for codes, both derived
 * with HKDF from each configured key. Every sealed value and keyed hash names the key it used, so
 * rotating `current` never re-enrolls anyone, and `tf.keys` can tell which key each record still
 * needs.
 */
export class Keyring {
  private readonly current: DerivedKey;
  private readonly byId = new Map<string, DerivedKey>();

  /**
   * @throws {FactorkitError} `CONFIG` when `keys` is missing (saying how to make a key), not hex or
   *   base64url exactly, shorter than 32 bytes, or an obvious pattern or passphrase.
   */
  constructor(keys: KeysInput) {
    for (const [name, material] of namedKeys(keys)) {
      const key = derive(decodeKey(name, material));
      if (name === 'current') this.current = key;
      this.byId.set(key.id, key);
    }
    // namedKeys puts `current` first, so it is set.
    this.current ??= this.byId.values().next().value as DerivedKey;
  }

  /** The key id a sealed value names, or null for a value that is not sealed. */
  static keyIdOf(sealed: string): string | null {
    return SEALED.exec(sealed)?.[1] ?? null;
  }

  /** Ids of every configured key, the current one first. */
  get ids(): string[] {
    return [this.current.id, ...[...this.byId.keys()].filter((id) => id !== this.current.id)];
  }

  /** Whether a key with this id is configured (values under any other cannot be opened or checked). */
  has(keyId: string | null | undefined): boolean {
    return keyId != null && this.byId.has(keyId);
  }

  /** Id of the key new values are sealed and hashed with. */
  get currentId(): string {
    return this.current.id;
  }

  /** Encrypts `plaintext`, binding it to `context` (for example the user and purpose). */
  seal(plaintext: string, context: string): string {
    const iv = randomNonce(12);
    const cipher = createCipheriv('aes-256-gcm', this.current.aead, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `v1.${this.current.id}.${iv.toString('base64url')}.${body.toString('base64url')}`;
  }

  /** Decrypts a value from {@link seal}. @throws `DECRYPT_FAILED` for tampering, a wrong context or an unknown key. */
  open(sealed: string, context: string): string {
    // `v1.<key id>.<iv>.<body>`, cut by hand: `split` is a call into V8's runtime and an array per open.
    const ivAt = sealed.startsWith('v1.') ? sealed.indexOf('.', 3) + 1 : 0;
    const bodyAt = ivAt > 0 ? sealed.indexOf('.', ivAt) + 1 : 0;
    const key = bodyAt > 0 ? this.byId.get(sealed.slice(3, ivAt - 1)) : undefined;
    const ivText = sealed.slice(ivAt, bodyAt - 1);
    const bodyText = sealed.slice(bodyAt);
    if (!key || !ivText || !bodyText || bodyText.includes('.')) {
      throw new FactorkitError('DECRYPT_FAILED', 'sealed value has an unknown format or key id');
    }
    const body = Buffer.from(bodyText, 'base64url');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.aead, Buffer.from(ivText, 'base64url'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(body.subarray(body.length - 16));
      const plaintext = decipher.update(body.subarray(0, body.length - 16));
      // GCM is a stream mode: `final` adds no bytes, it checks the tag (and throws when it fails).
      decipher.final();
      return plaintext.toString('utf8');
    } catch (cause) {
      throw new FactorkitError('DECRYPT_FAILED', 'sealed value failed authentication', { cause });
    }
  }

  /**
   * The value sealed again under the current key (same plaintext, same context), or null when it
   * already is. @throws `DECRYPT_FAILED` as {@link open} does.
   */
  reseal(sealed: string, context: string): string | null {
    if (Keyring.keyIdOf(sealed) === this.current.id) return null;
    return this.seal(this.open(sealed, context), context);
  }

  /** Keyed hash (HMAC-SHA256, base64url) of a code under a given key id (default: current). */
  hash(value: string, context: string, keyId: string = this.current.id): string | null {
    const key = this.byId.get(keyId);
    if (!key) return null;
    return createHmac('sha256', key.mac).update(context).update('\0').update(value).digest('base64url');
  }

  /** Hashes under every configured key, current first: for lookups by hash during rotation. */
  hashAll(value: string, context: string): string[] {
    const out = [this.hash(value, context) as string];
    for (const id of this.byId.keys())
      if (id !== this.current.id) out.push(this.hash(value, context, id) as string);
    return out;
  }
}

/** Constant-time equality of two strings (false for different lengths). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
