import { createDecipheriv, createHash } from 'node:crypto';
import { ConfigError } from '../../core/errors.js';

/**
 * better-auth's `symmetricDecrypt`, with node:crypto: XChaCha20-Poly1305 under SHA-256 of the app's
 * secret, the 24-byte nonce before the ciphertext and the tag after it, all hex; a versioned value
 * is `$ba$<version>$<hex>` (secrets from `BETTER_AUTH_SECRETS`), a bare hex value uses the single
 * secret (`BETTER_AUTH_SECRET`). XChaCha20 is HChaCha20 (below) deriving a subkey from the key and
 * the nonce's first 16 bytes, then ChaCha20-Poly1305 with the nonce's last 8.
 */
export interface BetterAuthSecrets {
  /** `BETTER_AUTH_SECRET` (or `AUTH_SECRET`): bare values, and the fallback for versioned ones. */
  secret?: string | undefined;
  /** `BETTER_AUTH_SECRETS`, parsed: secret per version. */
  versions?: ReadonlyMap<number, string> | undefined;
}

/** Parses `BETTER_AUTH_SECRETS` (`1:secretA,2:secretB`). @throws `CONFIG` for an entry without a version. */
export function parseBetterAuthSecrets(text: string): Map<number, string> {
  const versions = new Map<number, string>();
  for (const entry of text.split(',')) {
    const colon = entry.indexOf(':');
    const version = Number.parseInt(entry.slice(0, colon), 10);
    if (colon < 0 || !Number.isInteger(version) || version < 0)
      throw new ConfigError('BETTER_AUTH_SECRETS', 'must be <version>:<secret>, comma-separated');
    versions.set(version, entry.slice(colon + 1).trim());
  }
  return versions;
}

/** Decrypts one value better-auth encrypted; null when no secret given opens it (wrong secret, or not encrypted). */
export function betterAuthDecrypt(data: string, secrets: BetterAuthSecrets): string | null {
  const envelope = /^\$ba\$(\d+)\$([0-9a-f]+)$/.exec(data);
  const secret = envelope ? secrets.versions?.get(Number(envelope[1])) : secrets.secret;
  const hex = envelope ? envelope[2]! : data;
  if (secret === undefined || !/^([0-9a-f]{2})+$/.test(hex)) return null;
  const bytes = Buffer.from(hex, 'hex');
  if (bytes.length < 24 + 16) return null;
  const key = createHash('sha256').update(secret, 'utf8').digest();
  const nonce = bytes.subarray(0, 24);
  const subkey = hchacha20(key, nonce.subarray(0, 16));
  const iv = Buffer.concat([Buffer.alloc(4), nonce.subarray(16)]);
  try {
    const decipher = createDecipheriv('chacha20-poly1305', subkey, iv, { authTagLength: 16 });
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    return Buffer.concat([decipher.update(bytes.subarray(24, bytes.length - 16)), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    return null;
  }
}

const rotl = (v: number, n: number) => (v << n) | (v >>> (32 - n));

/** HChaCha20 (draft-irtf-cfrg-xchacha, section 2.2): 20 ChaCha rounds over key and 16-byte nonce, words 0-3 and 12-15 out. */
export function hchacha20(key: Uint8Array, nonce16: Uint8Array): Buffer {
  const k = Buffer.from(key);
  const n = Buffer.from(nonce16);
  const s = new Uint32Array(16);
  s.set([0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]);
  for (let i = 0; i < 8; i++) s[4 + i] = k.readUInt32LE(i * 4);
  for (let i = 0; i < 4; i++) s[12 + i] = n.readUInt32LE(i * 4);
  const q = (a: number, b: number, c: number, d: number) => {
    s[a] = s[a]! + s[b]!;
    s[d] = rotl(s[d]! ^ s[a]!, 16);
    s[c] = s[c]! + s[d]!;
    s[b] = rotl(s[b]! ^ s[c]!, 12);
    s[a] = s[a]! + s[b]!;
    s[d] = rotl(s[d]! ^ s[a]!, 8);
    s[c] = s[c]! + s[d]!;
    s[b] = rotl(s[b]! ^ s[c]!, 7);
  };
  for (let round = 0; round < 10; round++) {
    q(0, 4, 8, 12);
    q(1, 5, 9, 13);
    q(2, 6, 10, 14);
    q(3, 7, 11, 15);
    q(0, 5, 10, 15);
    q(1, 6, 11, 12);
    q(2, 7, 8, 13);
    q(3, 4, 9, 14);
  }
  const out = Buffer.alloc(32);
  [0, 1, 2, 3, 12, 13, 14, 15].forEach((word, i) => {
    out.writeUInt32LE(s[word]!, i * 4);
  });
  return out;
}
