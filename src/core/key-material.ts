import { ConfigError } from './errors.js';

/** The shortest key accepted, in bytes. */
export const MIN_KEY_BYTES = 32;

/** One key as configured: text (hex or base64url) or the bytes themselves. */
export type KeyMaterial = string | Uint8Array;

const HOW_TO_MAKE =
  'make one with `npx factorkit keygen` (32 random bytes, base64url) or `openssl rand -hex 32`';

/** What a refused current key can do: nothing sealed under it is lost by making it an older key. */
const KEEP_AS_OLD =
  'Values sealed under it stay readable when it becomes an older key ({ current: newKey, old: thisKey }, ' +
  'or FACTORKIT_OLD_KEYS); then run `npx factorkit rekey` (docs/keys.md)';

/**
 * Why a key is refused (the message, without the option's name); `readable` when the key would
 * still serve as an older key (strict reading and the entropy check apply to the current key only).
 */
class KeyProblem extends Error {
  constructor(
    message: string,
    readonly readable = true,
  ) {
    super(message);
  }
}

/**
 * The bytes of a key written as hex or base64url, exactly: any other character, padding or a
 * non-canonical last character is refused, so a passphrase or standard base64 is never silently
 * decoded into something else (Node's decoders skip what they do not understand).
 */
function decodeText(text: string): Buffer {
  if (/^(?:[0-9a-fA-F]{2})+$/.test(text)) return Buffer.from(text, 'hex');
  const bytes = /^[A-Za-z0-9_-]+$/.test(text) ? Buffer.from(text, 'base64url') : null;
  if (bytes && bytes.toString('base64url') === text) {
    refuseTextPattern(text);
    return bytes;
  }
  throw new KeyProblem(
    /^[A-Za-z0-9+/]+={0,2}$/.test(text) && /[+/=]/.test(text)
      ? `is standard base64 (+, /, =): write the same bytes as base64url (+ to -, / to _, no =), or ${HOW_TO_MAKE}`
      : `is neither hex nor base64url (a passphrase is not a key): ${HOW_TO_MAKE}`,
  );
}

/**
 * Random base64url text uses both letter cases and many different characters: a key of one case,
 * or of few characters (an English word or phrase, a repeated pattern), was typed, not generated.
 * Thresholds: a random key fails about once in a billion (measured over a million keys of 43 and
 * 64 characters; `keygen` draws again when one does).
 */
function refuseTextPattern(text: string): void {
  if (!/[a-z]/.test(text) || !/[A-Z]/.test(text) || new Set(text).size * 8 < text.length * 3)
    throw new KeyProblem(`looks typed, not random (too few different characters): ${HOW_TO_MAKE}`);
}

/** Random bytes repeat no short pattern and take many values: a key that does either is not random. */
function refuseBytePattern(bytes: Uint8Array): void {
  for (let period = 1; period <= bytes.length / 2; period++) {
    let repeats = true;
    for (let i = period; i < bytes.length && repeats; i++) repeats = bytes[i] === bytes[i - period];
    if (repeats)
      throw new KeyProblem(
        `has too little entropy (${period === 1 ? 'one byte value' : `a pattern of ${period} bytes`}, repeated): ${HOW_TO_MAKE}`,
      );
  }
  const distinct = new Set(bytes).size;
  if (distinct * 2 < Math.min(bytes.length, 128))
    throw new KeyProblem(`has too little entropy (only ${distinct} different byte values): ${HOW_TO_MAKE}`);
}

/**
 * How factorkit 0.1 read key text: hex when it looked like hex, else Node's lenient base64url
 * decoding. Kept for older keys only, so that what was sealed under a key read that way still
 * opens while the data moves to a good current key.
 */
function decodeLegacyText(text: string): Buffer {
  return /^[0-9a-fA-F]+$/.test(text) && text.length % 2 === 0
    ? Buffer.from(text, 'hex')
    : Buffer.from(text, 'base64url');
}

function keyBytes(material: unknown, current: boolean): Buffer {
  if (material === undefined)
    throw new KeyProblem(
      `is undefined (is the environment variable that holds it set here?): ${HOW_TO_MAKE}`,
      false,
    );
  let bytes: Buffer;
  if (typeof material === 'string')
    bytes = current ? decodeText(material.trim()) : decodeLegacyText(material.trim());
  else if (material instanceof Uint8Array) bytes = Buffer.from(material);
  else throw new KeyProblem('must be a string (hex or base64url) or a Buffer/Uint8Array', false);
  if (bytes.length < MIN_KEY_BYTES)
    throw new KeyProblem(
      `must be at least ${MIN_KEY_BYTES} bytes (got ${bytes.length}): ${HOW_TO_MAKE}`,
      false,
    );
  if (current) refuseBytePattern(bytes);
  return bytes;
}

/**
 * The bytes of one configured key, checked. The current key: hex or base64url text exactly, or a
 * `Buffer` / `Uint8Array`; at least 32 bytes; not an obvious pattern or passphrase. An older key is
 * read as factorkit 0.1 read it and needs only its 32 bytes: it is there to open what was sealed
 * under it while `rekey` moves the data to the current key. Messages never contain a key.
 * @throws {ConfigError} `CONFIG` naming the key (`keys.current`) and how to make a good one.
 */
export function decodeKey(name: string, material: unknown): Buffer {
  const current = name === 'current';
  try {
    return keyBytes(material, current);
  } catch (error) {
    if (!(error instanceof KeyProblem)) throw error;
    const keep = current && error.readable ? `. ${KEEP_AS_OLD}` : '';
    throw new ConfigError(`keys.${name}`, error.message + keep);
  }
}

/** What `keys` was given, as [name, key] pairs, `current` first. @throws {ConfigError} for another shape. */
export function namedKeys(keys: unknown): Array<[string, unknown]> {
  if (keys === undefined || keys === null || keys === '') {
    throw new ConfigError(
      'keys',
      `is ${keys === '' ? 'empty' : String(keys)}: pass your application key, for example ` +
        'keys: process.env.FACTORKIT_KEY (or keysFromEnv(process.env)); if that is what you pass, ' +
        `FACTORKIT_KEY is not set in this environment; ${HOW_TO_MAKE}`,
    );
  }
  if (typeof keys === 'string' || keys instanceof Uint8Array) return [['current', keys]];
  if (typeof keys !== 'object' || !('current' in keys)) {
    throw new ConfigError(
      'keys',
      'must be a key (hex or base64url text, or a Buffer) or { current, ...older } during a rotation',
    );
  }
  const named = keys as Record<string, unknown>;
  // An older key left undefined (its variable unset once a rotation is over) is no key.
  const older = Object.entries(named).filter(([name, value]) => name !== 'current' && value !== undefined);
  return [['current', named['current']], ...older];
}
