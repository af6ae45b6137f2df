import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import { ConfigError, FactorkitError } from './errors.js';

/** 32-byte secrets (hex or base64url): one string, or `{ current, ...older }` for rotation. */
export type KeysInput = string | ({ current: string } & Record<string, string>);

interface DerivedKey {
  id: string;
  aead: Buffer;
  mac: Buffer;
}

const MIN_KEY_BYTES = 32;

function decodeKey(name: string, text: unknown): Buffer {
  if (typeof text !== 'string') throw new ConfigError(`keys.${name}`, 'must be a string');
  const bytes =
    /^[0-9a-fA-F]+$/.test(text) && text.length % 2 === 0
      ? Buffer.from(text, 'hex')
      : Buffer.from(text, 'base64url');
  if (bytes.length < MIN_KEY_BYTES) {
    throw new ConfigError(
      `keys.${name}`,
      `must decode to at least ${MIN_KEY_BYTES} bytes (got ${bytes.length})`,
    );
  }
  return bytes;
}

function derive(secret: Buffer): DerivedKey {
  const sub = (info: string) => Buffer.from(hkdfSync('sha256', secret, 'factorkit', info, 32));
  return {
    id: sub('key-id').subarray(0, 6).toString('base64url'),
    aead: sub('aead/aes-256-gcm'),
    mac: sub('mac/hmac-sha256'),
  };
}

/**
 * The application keys: AES-256-GCM for secrets at rest and HMAC-SHA256 for codes, both derived
 * with HKDF from each configured key. Every sealed value and keyed hash names the key it used, so
 * rotating `current` never re-enrolls anyone.
 */
export class Keyring {
  private readonly current: DerivedKey;
  private readonly byId = new Map<string, DerivedKey>();

  /** @throws {FactorkitError} `CONFIG` when a key is missing or shorter than 32 bytes. */
  constructor(keys: KeysInput) {
    const named: Record<string, unknown> =
      typeof keys === 'string' ? { current: keys } : typeof keys === 'object' && keys ? keys : {};
    if (named['current'] === undefined) {
      throw new ConfigError('keys', 'must be a 32-byte secret or an object with a `current` key');
    }
    this.current = derive(decodeKey('current', named['current']));
    for (const [name, text] of Object.entries(named)) {
      const key = name === 'current' ? this.current : derive(decodeKey(name, text));
      this.byId.set(key.id, key);
    }
  }

  /** Id of the key new values are sealed and hashed with. */
  get currentId(): string {
    return this.current.id;
  }

  /** Encrypts `plaintext`, binding it to `context` (for example the user and purpose). */
  seal(plaintext: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current.aead, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `v1.${this.current.id}.${iv.toString('base64url')}.${body.toString('base64url')}`;
  }

  /** Decrypts a value from {@link seal}. @throws `DECRYPT_FAILED` for tampering, a wrong context or an unknown key. */
  open(sealed: string, context: string): string {
    const [version, keyId, ivText, bodyText] = sealed.split('.');
    const key = keyId === undefined ? undefined : this.byId.get(keyId);
    if (version !== 'v1' || !key || !ivText || !bodyText) {
      throw new FactorkitError('DECRYPT_FAILED', 'sealed value has an unknown format or key id');
    }
    const body = Buffer.from(bodyText, 'base64url');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.aead, Buffer.from(ivText, 'base64url'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(body.subarray(body.length - 16));
      return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString(
        'utf8',
      );
    } catch (cause) {
      throw new FactorkitError('DECRYPT_FAILED', 'sealed value failed authentication', { cause });
    }
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
