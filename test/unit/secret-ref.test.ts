import { createHash } from 'node:crypto';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { secretRef } from '../../src/store/keys.js';

/** The record name as factorkit has always made it: the first 16 bytes of SHA-256, base64url. */
const reference = (purpose: string, secret: string) =>
  Buffer.from(sha256(new TextEncoder().encode(`factorkit:${purpose}\0${secret}`)))
    .subarray(0, 16)
    .toString('base64url');

describe('secretRef', () => {
  it('names a secret exactly as before (stored challenges and sessions keep their records)', () => {
    // Every value of the 22nd character's two kept bits, and non-ASCII text, over many secrets.
    for (let i = 0; i < 2000; i++) {
      const secret = `${i.toString(36)}-é-${'x'.repeat(i % 40)}`;
      for (const purpose of ['challenge', 'session'])
        expect(secretRef(purpose, secret)).toBe(reference(purpose, secret));
    }
    const node = createHash('sha256').update('factorkit:session\0abc').digest().subarray(0, 16);
    expect(secretRef('session', 'abc')).toBe(node.toString('base64url'));
    expect(secretRef('session', 'abc')).toHaveLength(22);
  });
});
