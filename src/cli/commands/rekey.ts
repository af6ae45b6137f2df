import type { Command } from '../command.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { keyTable, nextStep } from '../key-table.js';
import { openTwoFactor, storeFlag } from '../open-two-factor.js';
import { createProgress } from '../progress.js';

/** `npx factorkit rekey`: moves every record that can move to the current key. */
export const rekeyCommand: Command = {
  name: 'rekey',
  summary: 'seal every stored secret again under the current key, so an old key can be removed',
  help: [
    'Seals again under FACTORKIT_KEY every TOTP secret and backup code still under a key of',
    'FACTORKIT_OLD_KEYS, one conditional write per record: safe while the app serves logins (a',
    'login or a change made meanwhile is never overwritten). Keyed hashes of codes and trusted',
    'browsers cannot move (nobody keeps what they hash): they lapse by themselves.',
    '',
    'Ctrl-C stops after the page in hand; what was done stays done, and running it again goes on',
    '(a record already moved is only read). Shows a progress bar on a terminal, lines otherwise.',
    '',
    '  FACTORKIT_KEY=<new> FACTORKIT_OLD_KEYS=<old> npx factorkit rekey --store sqlite:./2fa.db',
  ].join('\n'),
  flags: {
    ...storeFlag,
    'page-size': { type: 'string', description: 'keys per page of the scan (default 500)' },
  },
  async run(flags, _positionals, io) {
    const pageText = flags['page-size'];
    const pageSize = pageText === undefined ? undefined : Number(pageText);
    if (pageSize !== undefined && !(Number.isInteger(pageSize) && pageSize >= 1 && pageSize <= 10_000))
      throw new UsageError('--page-size must be a whole number from 1 to 10000');
    const { tf, opened, close } = await openTwoFactor(flags, io);
    try {
      io.err(`Store: ${opened.where}\nCounting records...\n`);
      const before = await tf.keys.inventory();
      const total = before.keys.reduce((sum, key) => sum + key.records, 0);
      const progress = createProgress(io, { total, unit: 'records' });
      let shown = 0;
      const result = await tf.keys.rekey({
        signal: io.signal,
        pageSize,
        onProgress: (examined) => {
          progress.tick(examined - shown);
          shown = examined;
        },
      });
      progress.end();
      io.out(`Rewritten under key ${before.current}: ${result.rewritten.toLocaleString('en-US')} records.\n`);
      if (!result.complete) {
        io.err('Stopped before the end: run the same command again to go on.\n');
        return EXIT.interrupted;
      }
      const after = await tf.keys.inventory();
      io.out(`\n${keyTable(after)}\n\n${nextStep(after)}\n`);
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};
