import base32 from 'thirty-two';

const BASE32_BODY = /^[A-Z2-7]+$/;

/** Encodes bytes as RFC 4648 base32 without padding. */
export function toBase32(bytes: Uint8Array): string {
  return base32
    .encode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
    .toString('ascii')
    .replace(/=+$/, '');
}

/**
 * Decodes a base32 secret as people type it: case-insensitive, spaces and `=` padding ignored.
 * Returns null when the text is not base32 (so callers choose the error).
 */
export function fromBase32(text: string): Uint8Array | null {
  // Fast path for canonical secrets (what factorkit itself stores): no copy before the check.
  const body = BASE32_BODY.test(text) ? text : text.replace(/[\s=]/g, '').toUpperCase();
  if (body.length === 0 || !BASE32_BODY.test(body)) return null;
  const remainder = body.length % 8;
  // Lengths 1, 3 and 6 mod 8 cannot come from whole bytes.
  if (remainder === 1 || remainder === 3 || remainder === 6) return null;
  const decoded = base32.decode(body);
  return new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.byteLength);
}
