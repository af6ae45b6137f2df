import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTwoFactor } from '../../src/app/create-two-factor.js';
import { decodeKey } from '../../src/core/key-material.js';
import { Keyring } from '../../src/core/keyring.js';
import { randomNonce, randomToken, secureRandom } from '../../src/core/random.js';
import { MemoryMailer } from '../../src/mail/memory-mailer.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { testKey } from '../helpers/harness.js';

const HOW_TO = /npx factorkit keygen/;

/** The CONFIG error `new Keyring(keys)` throws (or undefined when it takes them). */
function refusal(keys: unknown): { code?: string; field?: string; message: string } | undefined {
  try {
    new Keyring(keys as string);
    return undefined;
  } catch (error) {
    return error as { code: string; field: string; message: string };
  }
}

describe('keys: weak keys are refused (issue 19 item 3, issue 20 item 6)', () => {
  it('64 × z, one byte repeated, a repeated pattern and a one-case passphrase: CONFIG saying how to make a key', () => {
    for (const weak of [
      'z'.repeat(64),
      'a'.repeat(64),
      '00'.repeat(32),
      '0123456789abcdef'.repeat(4),
      Buffer.from('deadbeef'.repeat(8), 'hex').toString('base64url'),
      'correcthorsebatterystaplecorrecthorsebatterystaplecorrecthorseba',
      'THEQUICKBROWNFOXJUMPSOVERTHELAZYDOGTHEQUICKBROWNFOXJUMPSOVERTHEL',
      new Uint8Array(32),
    ]) {
      const error = refusal(weak);
      expect(error, String(weak)).toMatchObject({ code: 'CONFIG', field: 'keys.current' });
      expect(error?.message).toMatch(HOW_TO);
      // The message never shows the key.
      if (typeof weak === 'string') expect(error?.message).not.toContain(weak);
    }
  });

  it('decodes strictly: a 64-character English passphrase, standard base64 and stray characters are refused', () => {
    const bytes = randomBytes(32);
    for (const bad of [
      'correct horse battery staple and a few more words to reach sixty',
      `${bytes.toString('base64url')} `.repeat(2),
      bytes.toString('base64'),
      `${bytes.toString('hex')}g`,
      `${bytes.toString('base64url')}=`,
    ]) {
      expect(refusal(bad), bad).toMatchObject({ code: 'CONFIG', field: 'keys.current' });
    }
    expect(refusal(bytes.toString('base64'))?.message).toMatch(/standard base64.*base64url/);
  });

  it('hex, base64url, a Buffer and a Uint8Array of the same bytes are the same key', () => {
    const bytes = randomBytes(32);
    const ids = [bytes.toString('hex'), bytes.toString('base64url'), bytes, new Uint8Array(bytes)].map(
      (key) => new Keyring(key).currentId,
    );
    expect(new Set(ids).size).toBe(1);
  });

  it('random keys pass: 20,000 of 32 and 48 bytes, as hex and base64url', () => {
    let refused = 0;
    for (let i = 0; i < 10_000; i++) {
      for (const bytes of [randomBytes(32), randomBytes(48)]) {
        for (const text of [bytes.toString('base64url'), bytes.toString('hex')]) {
          try {
            decodeKey('current', text);
          } catch {
            refused++;
          }
        }
      }
    }
    expect(refused).toBe(0);
  });

  it('an unset FACTORKIT_KEY (undefined as keys) says exactly that, and how to make a key', () => {
    const make = (keys: unknown) => () =>
      createTwoFactor({
        issuer: 'X',
        store: new MemoryStore(),
        mailer: new MemoryMailer(),
        keys: keys as string,
      });
    expect(make(undefined)).toThrow(
      /option keys: is undefined.*FACTORKIT_KEY is not set.*npx factorkit keygen/,
    );
    expect(make({ current: undefined })).toThrow(/option keys\.current: is undefined.*npx factorkit keygen/);
    expect(make('')).toThrow(/option keys: is empty/);
  });

  it('an older key is read as factorkit 0.1 read it: a weak key of 0.1 still opens its data as an older key', () => {
    // The key test/fixtures/layout1-store.json was written with by 0.1; its values name key id jPOc6zo2.
    const weak = 'a1'.repeat(32);
    expect(refusal(weak)?.message).toMatch(/stay readable when it becomes an older key/);
    const rotated = new Keyring({ current: testKey('new'), old: weak, unset: undefined } as never);
    expect(rotated.ids).toEqual([new Keyring(testKey('new')).currentId, 'jPOc6zo2']);
    expect(refusal({ current: testKey('new'), old: 'short' })).toMatchObject({ field: 'keys.old' });
  });
});

describe('keys: IVs come from a pooled CSPRNG buffer (issue 23 speed)', () => {
  it('hands out each nonce once, as a copy, across refills of the pool', () => {
    const nonces = Array.from({ length: 2000 }, () => randomNonce(12));
    const first = Buffer.from(nonces[0]!);
    randomNonce(4096); // larger than the pool: drawn directly
    Array.from({ length: 400 }, () => randomNonce(12)); // refills the pool past the first draws
    expect(nonces[0]).toEqual(first);
    expect(nonces.every((nonce) => nonce.length === 12)).toBe(true);
    expect(new Set(nonces.map((nonce) => nonce.toString('hex'))).size).toBe(2000);
  });

  it('draws the default source (session keys, nonces) from the same pool: each value once, any size', () => {
    const keys = Array.from({ length: 600 }, () => randomToken(secureRandom, 16)); // past a refill
    expect(new Set(keys).size).toBe(600);
    expect(keys.every((key) => /^[A-Za-z0-9_-]{22}$/.test(key))).toBe(true);
    expect(secureRandom(5000)).toHaveLength(5000); // larger than the pool: drawn directly
  });

  it('seals every value under its own IV', () => {
    const keyring = new Keyring(testKey('iv'));
    const ivs = Array.from({ length: 1000 }, () => keyring.seal('same', 'ctx').split('.')[2]);
    expect(new Set(ivs).size).toBe(1000);
    expect(keyring.open(keyring.seal('same', 'ctx'), 'ctx')).toBe('same');
  });

  it('opens what it sealed (any UTF-8), and refuses a changed value, context, key or shape with DECRYPT_FAILED', () => {
    const keyring = new Keyring(testKey('open'));
    const sealed = keyring.seal('sécret ✓', 'ctx');
    expect(keyring.open(sealed, 'ctx')).toBe('sécret ✓');
    const [, keyId, iv, body] = sealed.split('.') as [string, string, string, string];
    const flipped = `${body.slice(0, 4)}${body[4] === 'A' ? 'B' : 'A'}${body.slice(5)}`;
    const refused = [
      [sealed, 'other context'],
      [`v1.${keyId}.${iv}.${flipped}`, 'ctx'],
      [new Keyring(testKey('other')).seal('sécret ✓', 'ctx'), 'ctx'],
      [`v2.${keyId}.${iv}.${body}`, 'ctx'],
      [`v1.${keyId}.${iv}`, 'ctx'],
      [`v1.${keyId}..${body}`, 'ctx'],
      [`v1..${iv}.${body}`, 'ctx'],
      [`v1.${keyId}.${iv}.`, 'ctx'],
      [`${sealed}.extra`, 'ctx'],
      ['v1', 'ctx'],
      ['', 'ctx'],
    ];
    for (const [value, context] of refused) {
      expect(() => keyring.open(value!, context!), value).toThrow(
        expect.objectContaining({ code: 'DECRYPT_FAILED' }),
      );
    }
  });
});
