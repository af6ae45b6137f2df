import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { HmacSha1Counter } from './hmac-sha1.js';

/** Hash functions an authenticator app understands. */
export type OtpAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';

const HASHES = { SHA1: sha1, SHA256: sha256, SHA512: sha512 } as const;
const POWERS = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000];

/**
 * HMAC-based one-time values (RFC 4226) over one key. SHA1 (what every authenticator app uses) runs
 * on a specialised HMAC-SHA1 with the key state computed once and no allocation per step. SHA256
 * and SHA512 use @noble/hashes through its public API: the keyed HMAC state is built once, and each
 * step clones it (`clone()`), so a window never re-derives the key pads.
 */
export class HotpKey {
  private readonly sha1: HmacSha1Counter | null = null;
  private readonly generic: GenericHotp | null = null;
  private readonly modulus: number;

  constructor(algorithm: OtpAlgorithm, key: Uint8Array, digits: number) {
    this.modulus = POWERS[digits] ?? 1_000_000;
    // SHA1, what every authenticator app uses, takes the specialised two-compressions-per-step path
    // (and allocates nothing else).
    if (algorithm === 'SHA1') this.sha1 = new HmacSha1Counter(key);
    else this.generic = new GenericHotp(hmac.create(HASHES[algorithm], key));
  }

  /** The truncated code for one counter value, as a number (RFC 4226 section 5.3). */
  valueAt(counter: number): number {
    if (this.sha1) return this.sha1.truncatedAt(counter) % this.modulus;
    return this.generic!.truncatedAt(counter) % this.modulus;
  }
}

/** SHA256 and SHA512 through @noble/hashes: the keyed state cloned per counter. */
class GenericHotp {
  private readonly counter = new Uint8Array(8);
  private readonly counterView = new DataView(this.counter.buffer);
  private readonly digest: Uint8Array;

  constructor(private readonly base: ReturnType<typeof hmac.create>) {
    this.digest = new Uint8Array(base.outputLen);
  }

  truncatedAt(counter: number): number {
    this.counterView.setUint32(0, Math.floor(counter / 0x1_0000_0000));
    this.counterView.setUint32(4, counter >>> 0);
    const mac = this.base.clone();
    mac.update(this.counter);
    mac.digestInto(this.digest);
    const d = this.digest;
    const offset = d[d.length - 1]! & 0x0f;
    return ((d[offset]! & 0x7f) << 24) | (d[offset + 1]! << 16) | (d[offset + 2]! << 8) | d[offset + 3]!;
  }
}

/** Formats a code value with leading zeros. */
export function formatCode(value: number, digits: number): string {
  return value.toString().padStart(digits, '0');
}
