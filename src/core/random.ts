import { randomBytes, randomFillSync } from 'node:crypto';

/** A source of cryptographically secure random bytes; injectable so tests can be deterministic. */
export type RandomSource = (size: number) => Uint8Array;

/**
 * The default source: node:crypto's CSPRNG, drawn through {@link randomNonce}'s pool (one call into
 * OpenSSL for hundreds of draws: a sign-in's session key, a challenge's nonce, a code's digits).
 */
export const secureRandom: RandomSource = (size) => randomNonce(size);

/** A uniform integer in [0, bound) by rejection sampling over 32-bit draws (no modulo bias). */
export function randomBelow(random: RandomSource, bound: number): number {
  if (!Number.isInteger(bound) || bound < 1 || bound > 0x1_0000_0000)
    throw new RangeError('bound out of range');
  const limit = 0x1_0000_0000 - (0x1_0000_0000 % bound);
  for (;;) {
    const bytes = random(4);
    const value = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
    if (value < limit) return value % bound;
  }
}

/** A random token of `bytes` bytes, base64url. */
export function randomToken(random: RandomSource, bytes: number): string {
  return Buffer.from(random(bytes)).toString('base64url');
}

/** 4 KB of the CSPRNG, handed out a few bytes at a time by {@link randomNonce}. */
const noncePool = Buffer.alloc(4096);
let nonceUsed = noncePool.length;

/**
 * Fresh random bytes drawn from a 4 KB buffer that node:crypto's CSPRNG refills when it is used up:
 * one call into OpenSSL for hundreds of draws instead of one each (about 8 µs a call on a busy
 * machine: a fifth of an import's CPU, with a seal per backup code; 2-4 µs of a sign-in's CPU for
 * its session key). The same bytes as `randomBytes`, each handed out once, as a copy, and wiped
 * from the pool as it is handed out: a secret drawn here (a session key) is left nowhere else.
 */
export function randomNonce(size: number): Buffer {
  if (size > noncePool.length) return randomBytes(size);
  if (nonceUsed + size > noncePool.length) {
    randomFillSync(noncePool);
    nonceUsed = 0;
  }
  const nonce = Buffer.from(noncePool.subarray(nonceUsed, nonceUsed + size));
  noncePool.fill(0, nonceUsed, nonceUsed + size);
  nonceUsed += size;
  return nonce;
}
