import type { Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { keysBlockingRemoval, keyTable, nextStep } from '../key-table.js';
import { openTwoFactor, storeFlag } from '../open-two-factor.js';

/** `npx factorkit keys`: which key ids the stored records use, per kind. */
export const keysCommand: Command = {
  name: 'keys',
  summary: 'show how many records each key id still holds (and whether an old key can go)',
  help: [
    'Reads every record of the store and counts, per key id, the records holding a value under',
    'that key: lasting ones (TOTP secrets, backup codes) stay until `rekey` moves them; the others',
    '(email and admin codes, pending setups, trusted browsers) lapse by themselves.',
    'Keys come from FACTORKIT_KEY and FACTORKIT_OLD_KEYS. Nothing is written.',
    '',
    '  npx factorkit keys --store sqlite:./2fa.db',
    '  npx factorkit keys --store "$STORE_URL" --check   # exit 4 while an old key holds lasting records',
  ].join('\n'),
  flags: {
    ...storeFlag,
    json: { type: 'boolean', description: 'print the inventory as JSON (tf.keys.inventory())' },
    check: { type: 'boolean', description: 'exit 4 while an older key still holds lasting records' },
  },
  async run(flags, _positionals, io) {
    const { tf, opened, close } = await openTwoFactor(flags, io);
    try {
      const inventory = await tf.keys.inventory();
      if (flags['json']) io.out(`${JSON.stringify(inventory, null, 2)}\n`);
      else
        io.out(
          `Store: ${opened.where}\nCurrent key: ${inventory.current}\n\n${keyTable(inventory)}\n\n${nextStep(inventory)}\n`,
        );
      return flags['check'] && keysBlockingRemoval(inventory).length > 0 ? EXIT.check : EXIT.ok;
    } finally {
      await close();
    }
  },
};
