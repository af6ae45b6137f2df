import { createHmac, timingSafeEqual } from 'node:crypto';

/** RFC 4226: the six-digit code of `counter` under the token's seed. */
export function hotpCode(seed: Buffer, counter: number): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', seed).update(message).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  return String(mac.readUInt32BE(offset) & 0x7fffffff)
    .slice(-6)
    .padStart(6, '0');
}

/**
 * The counter whose code `typed` is, among the `lookAhead` after `after` (a token pressed without
 * signing in moves ahead of the server), or null. Every candidate is compared in constant time.
 */
export function counterOf(seed: Buffer, typed: string, after: number, lookAhead: number): number | null {
  const code = typed.replace(/\s/g, '');
  if (!/^\d{6}$/.test(code)) return null;
  let found: number | null = null;
  for (let counter = after + 1; counter <= after + lookAhead; counter++) {
    if (timingSafeEqual(Buffer.from(hotpCode(seed, counter)), Buffer.from(code)) && found === null)
      found = counter;
  }
  return found;
}
