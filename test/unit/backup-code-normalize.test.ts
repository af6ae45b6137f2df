import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BackupCodeVault } from '../../src/methods/backup-codes/backup-code-vault.js';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
/** How normalize read typed text before its early length check. */
function earlier(input: unknown): string | null {
  if (typeof input !== 'string' || input.length > 64) return null;
  const compact = input.toLowerCase().replace(/[\s-]/g, '').replace(/o/g, '0').replace(/[il]/g, '1');
  if (compact.length !== 16) return null;
  for (const c of compact) if (!ALPHABET.includes(c)) return null;
  return compact;
}

describe('BackupCodeVault.normalize', () => {
  const vault = new BackupCodeVault({ keys: randomBytes(32).toString('base64url') });
  it('reads any text as it did before the early length check (property, with the letters lowercasing changes)', () => {
    const char = fc.oneof(
      fc.constantFrom(
        ...'0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ- \t\u0130\u212a\u017f',
      ),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    );
    fc.assert(
      fc.property(fc.array(char, { maxLength: 70 }), (chars) => {
        const text = chars.join('');
        expect(vault.normalize(text)).toBe(earlier(text));
      }),
      { numRuns: 5000 },
    );
    for (const text of [
      'k7pq-3mzx-9ahd-2wfr',
      'K7PQ 3MZX 9AHD 2WFR',
      '\u0130'.repeat(15),
      'ab\u212a'.repeat(5) + 'a',
    ])
      expect(vault.normalize(text)).toBe(earlier(text));
  });
});
