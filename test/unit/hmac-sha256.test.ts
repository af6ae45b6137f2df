import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HmacSha256 } from '../../src/core/hmac-sha256.js';
import { saltedDigester } from '../../src/methods/backup-codes/backup-code-record.js';

const reference = (key: Uint8Array, message: string) =>
  createHmac('sha256', key).update(message).digest('base64url');

describe('HmacSha256 (backup codes hashed under a set key)', () => {
  it('matches node:crypto for any key and any text, across block boundaries (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 150 }),
        fc.array(fc.string({ unit: 'binary', maxLength: 140 }), { minLength: 1, maxLength: 4 }),
        (key, messages) => {
          const mac = new HmacSha256(key);
          for (const message of messages) expect(mac.base64url(message)).toBe(reference(key, message));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('matches at every length around the padding edges (55, 56, 63, 64, 119, 120 bytes), and a long text', () => {
    const key = new Uint8Array(32).map((_, i) => i * 7);
    const mac = new HmacSha256(key);
    for (const length of [0, 1, 54, 55, 56, 57, 63, 64, 65, 118, 119, 120, 121, 128, 5000])
      expect(mac.base64url('x'.repeat(length))).toBe(reference(key, 'x'.repeat(length)));
    expect(mac.base64url('backup-code\0ünïcødé-ユーザー\0k7pq3mzx')).toBe(
      reference(key, 'backup-code\0ünïcødé-ユーザー\0k7pq3mzx'),
    );
  });

  it('is not disturbed by another key used in between (shared scratch)', () => {
    const a = new HmacSha256(new Uint8Array(32).fill(1));
    const b = new HmacSha256(new Uint8Array(32).fill(2));
    const first = a.base64url('code');
    b.base64url('x'.repeat(300));
    expect(a.base64url('code')).toBe(first);
    expect(first).toBe(reference(new Uint8Array(32).fill(1), 'code'));
  });

  it('hashes a key longer than a block first, as RFC 2104 (and node:crypto) do', () => {
    for (const length of [65, 100, 300]) {
      const key = new Uint8Array(length).map((_, i) => i);
      expect(new HmacSha256(key).base64url('code')).toBe(reference(key, 'code'));
    }
  });
});

describe('saltedDigester (the stored form of a hashed backup code)', () => {
  it('writes exactly what sets stored before it: createHmac under the set key, over the user-bound code', () => {
    const salt = Buffer.alloc(32, 9).toString('base64url');
    const before = (userId: string, code: string) =>
      `hmac-sha256:${createHmac('sha256', Buffer.from(salt, 'base64url')).update(`backup-code\0${userId}`).update('\0').update(code).digest('base64url')}`;
    for (const [userId, code] of [
      ['u1', 'k7pq3mzx9ahd2wfr'],
      ['ユーザー-1', 'AbCd1EfGh2'],
      ['x'.repeat(300), 'abcdefghijklmnopqrstuvwxyz0123456789'],
    ] as const)
      expect(saltedDigester(salt, userId)(code)).toBe(before(userId, code));
  });
});
