import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HmacSha1Counter } from '../../src/core/otp/hmac-sha1.js';

/** The reference: node:crypto's HMAC-SHA1 over the 8-byte counter, truncated as RFC 4226 says. */
function reference(key: Uint8Array, counter: number): number {
  const message = Buffer.alloc(8);
  message.writeUInt32BE(Math.floor(counter / 0x1_0000_0000), 0);
  message.writeUInt32BE(counter >>> 0, 4);
  const d = createHmac('sha1', key).update(message).digest();
  const o = d[19]! & 15;
  return ((d[o]! & 0x7f) << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!;
}

describe('HmacSha1Counter (the specialised SHA1 path)', () => {
  it('matches node:crypto for any key length and counter (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 200 }),
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        (key, counter) => {
          expect(new HmacSha1Counter(key).truncatedAt(counter)).toBe(reference(key, counter));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('is not disturbed by another key used in between (shared scratch)', () => {
    const a = new HmacSha1Counter(new Uint8Array(20).fill(1));
    const b = new HmacSha1Counter(new Uint8Array(20).fill(2));
    const first = a.truncatedAt(42);
    b.truncatedAt(42);
    expect(a.truncatedAt(42)).toBe(first);
    expect(first).toBe(reference(new Uint8Array(20).fill(1), 42));
  });
});
