import { randomBytes } from 'node:crypto';
import { Keyring } from '../../entries/index.js';
import type { Command } from '../command.js';
import { EXIT } from '../exit-codes.js';

/** Key bytes: the keyring's minimum, from the operating system's CSPRNG. */
const KEY_BYTES = 32;

/** `npx factorkit keygen`: prints a new application key, and nothing else, to stdout. */
export const keygenCommand: Command = {
  name: 'keygen',
  summary: 'print a new random application key (32 bytes, base64url)',
  help: [
    'Prints a new application key: 32 random bytes from the operating system, base64url-encoded',
    '(43 characters), on one line of stdout. Keep it in your secret store as FACTORKIT_KEY.',
    '',
    '  FACTORKIT_KEY=$(npx factorkit keygen)',
    '',
    'To rotate, the new key becomes FACTORKIT_KEY and the old one moves to FACTORKIT_OLD_KEYS',
    '(docs/keys.md walks a whole rotation).',
  ].join('\n'),
  flags: {
    hex: { type: 'boolean', description: 'print 64 hex digits instead of base64url' },
  },
  async run(flags, _positionals, io) {
    let key = randomBytes(KEY_BYTES);
    // About one random key in a billion looks like a pattern to the keyring's check: draw again.
    while (!acceptable(key)) key = randomBytes(KEY_BYTES);
    io.out(`${flags['hex'] ? key.toString('hex') : key.toString('base64url')}\n`);
    return EXIT.ok;
  },
};

function acceptable(key: Buffer): boolean {
  try {
    new Keyring(key.toString('base64url'));
    new Keyring(key.toString('hex'));
    return true;
  } catch {
    return false;
  }
}
