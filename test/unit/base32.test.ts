import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fc from 'fast-check';
import base32 from 'thirty-two';
import { describe, expect, it } from 'vitest';
import { fromBase32, toBase32 } from '../../src/core/otp/base32.js';

const ascii = (text: string) => new TextEncoder().encode(text);

describe('base32', () => {
  it('encodes and decodes the RFC 4648 vectors (without padding)', () => {
    const vectors: Array<[string, string]> = [
      ['f', 'MY'],
      ['fo', 'MZXQ'],
      ['foo', 'MZXW6'],
      ['foob', 'MZXW6YQ'],
      ['fooba', 'MZXW6YTB'],
      ['foobar', 'MZXW6YTBOI'],
    ];
    for (const [plain, encoded] of vectors) {
      expect(toBase32(ascii(plain))).toBe(encoded);
      expect(fromBase32(encoded)).toEqual(ascii(plain));
      expect(fromBase32(`${encoded.toLowerCase()}===`)).toEqual(ascii(plain));
    }
  });

  it('agrees with thirty-two, which encoded every secret stored before', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), (bytes) => {
        const theirs = base32.encode(Buffer.from(bytes)).toString('ascii').replace(/=+$/, '');
        expect(toBase32(bytes)).toBe(theirs);
        expect(fromBase32(theirs)).toEqual(new Uint8Array(base32.decode(theirs)));
      }),
    );
  });

  it('refuses what is not base32', () => {
    for (const bad of ['', '====', 'MZXW6!', 'MZXW61', 'A', 'ABC', 'ABCDEF'])
      expect(fromBase32(bad)).toBeNull();
  });

  it('a fresh process signs in with no deprecated API on the way and loads qrcode-generator only at setup', async () => {
    const script = new URL('./fresh-process/setup-and-verify.ts', import.meta.url).pathname;
    // --pending-deprecation: Node warns of `new Buffer()` even when it is called from node_modules.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--throw-deprecation', '--pending-deprecation', script],
      { timeout: 60_000 },
    );
    expect(JSON.parse(stdout)).toEqual({
      afterImport: false,
      afterSetup: true,
      confirmed: true,
      verified: true,
      qr: '<svg',
    });
  }, 60_000);
});
