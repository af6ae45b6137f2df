import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalText, type ParsedUser } from '../../src/import/imported-user.js';

/** How canonicalText wrote a user before (the fingerprints of earlier imports were made so). */
const earlier = (user: ParsedUser) =>
  JSON.stringify({ userId: user.userId, ...user.methods }, (_key, value: unknown) => {
    if (value instanceof Uint8Array) return { bytes: Buffer.from(value).toString('base64url') };
    if (value && typeof value === 'object' && !Array.isArray(value))
      return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    return value;
  });

describe('canonicalText (what an import fingerprint covers)', () => {
  it('writes exactly what it wrote before, for any value (property)', () => {
    const value = fc.oneof(
      fc.anything({ withObjectString: false, withNullPrototype: true, withTypedArray: true, withDate: true }),
      fc.uint8Array(),
      fc.uint8Array().map((bytes) => Buffer.from(bytes)),
    );
    fc.assert(
      fc.property(fc.string(), fc.dictionary(fc.string(), value), (userId, methods) => {
        const user = { userId, methods };
        expect(canonicalText(user)).toBe(earlier(user));
      }),
      { numRuns: 2000 },
    );
  });

  it('writes an imported user with every method as before: bytes, nested keys, __proto__ and number-like keys', () => {
    const user: ParsedUser = {
      userId: 'u1',
      methods: {
        totp: { secret: new Uint8Array([1, 2, 3]), encoding: 'base32', digits: 6, algorithm: 'SHA1' },
        backupCodes: ['b', 'a'],
        securityKeys: [{ publicKey: Buffer.from('key'), id: 'x', 10: 'ten', 2: 'two', ['__proto__']: 'p' }],
        email: { address: 'a@example.com', enabledAt: undefined },
      },
    };
    expect(canonicalText(user)).toBe(earlier(user));
  });
});
