import { closeSync, createReadStream, existsSync, openSync, rmSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { exportUsers, linesOf } from '../../entries/import.js';
import type { Command } from '../command.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { openTwoFactor, storeFlag } from '../open-two-factor.js';
import { createProgress } from '../progress.js';

/** The user ids of a file, one per line (blank lines skipped), counted in `listed` as they are read. */
async function* idsOf(path: string, listed: { count: number }): AsyncGenerator<string> {
  for await (const line of linesOf(createReadStream(path))) {
    if (line.trim() === '') continue;
    listed.count++;
    yield line.trim();
  }
}

/** What the export says at its end: how many, and the listed ids it left out (nothing on to export). */
function summary(count: number, listed: { count: number } | null, interrupted: boolean): string {
  const left = listed === null || interrupted ? 0 : listed.count - count;
  const leftOut = left > 0 ? ` (${left} listed users have no method on: nothing to export)` : '';
  return `exported: ${count} users${leftOut}${interrupted ? ' (interrupted: the file is incomplete)' : ''}\n`;
}

/** `npx factorkit export`: every user's enrolments as JSON lines, the format `import --from jsonl` reads. */
export const exportCommand: Command = {
  name: 'export',
  summary: "write every user's 2FA enrolments as JSON lines (to leave factorkit, or move stores)",
  help: [
    'Writes each user with a method on as one JSON line: the format `import --from jsonl` reads, so',
    'export then import into a fresh store brings every user over exactly (docs/migration.md).',
    '',
    '  npx factorkit export --store sqlite:./2fa.db --out users.jsonl',
    '  npx factorkit import --from jsonl users.jsonl --store postgres://localhost/app',
    '',
    'The file holds secrets in clear (TOTP keys; backup codes when viewable, else their keyed hashes,',
    'usable only with the same FACTORKIT_KEY): it is created readable by you alone (0600), never',
    'overwritten, and written to stdout only when stdout is not a terminal. Users come from the',
    "store's scan, or from --users (one id per line) for a store that cannot list its keys.",
  ].join('\n'),
  flags: {
    ...storeFlag,
    out: { type: 'string', description: 'the file to write (created 0600; an existing file is refused)' },
    users: {
      type: 'string',
      description: 'a file of user ids, one per line (default: every user of the store)',
    },
  },
  async run(flags, _positionals, io) {
    const out = flags['out'];
    // stdout's own terminal, whatever stderr is (`2>/dev/null` leaves stdout on the screen).
    if (typeof out !== 'string' && io.outTerminal)
      throw new UsageError('the export holds secrets: write it to a file with --out, or pipe it');
    if (typeof out === 'string' && existsSync(out))
      throw new UsageError(`${out} exists: the export never overwrites a file`);
    if (typeof out === 'string' && !existsSync(dirname(resolve(out))))
      throw new UsageError(`no folder at ${dirname(resolve(out))} for --out`);
    const users = flags['users'];
    if (typeof users === 'string' && !existsSync(users)) throw new UsageError(`no file at ${users}`);
    const { tf, close } = await openTwoFactor(flags, io);
    let fd = typeof out === 'string' ? openSync(out, 'wx', 0o600) : null;
    const write = (text: string) => (fd === null ? io.out(text) : writeSync(fd, text));
    try {
      const progress = createProgress(io, { total: null, unit: 'users' });
      let count = 0;
      const listed = typeof users === 'string' ? { count: 0 } : null;
      const ids = listed && typeof users === 'string' ? idsOf(users, listed) : undefined;
      for await (const user of exportUsers(tf, ids)) {
        write(`${JSON.stringify(user)}\n`);
        count++;
        progress.tick();
        if (io.signal.aborted) break;
      }
      progress.end();
      io.err(summary(count, listed, io.signal.aborted));
      return io.signal.aborted ? EXIT.interrupted : EXIT.ok;
    } catch (error) {
      // A file cut short by a failure (a wrong FACTORKIT_KEY, an outage) must not pass for an export
      // (imported, it would move part of the users): it was created by this run, so it goes.
      if (fd !== null && typeof out === 'string') {
        closeSync(fd);
        fd = null;
        rmSync(out, { force: true });
      }
      throw error;
    } finally {
      if (fd !== null) closeSync(fd);
      await close();
    }
  },
};
