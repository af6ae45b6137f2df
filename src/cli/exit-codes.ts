/**
 * What `npx factorkit` exits with, so a script can branch on it (also in docs/cli.md). A command
 * never exits 0 unless it did all it was asked.
 */
export const EXIT = {
  /** Done. */
  ok: 0,
  /** The work failed (a store outage, a refused record): running it again may succeed. */
  failed: 1,
  /** The command line is wrong (an unknown command or flag, a missing argument): see `--help`. */
  usage: 2,
  /** The configuration is wrong (no or a weak `FACTORKIT_KEY`, or one that opens no stored secret; a bad `--store` URL; a driver not installed). */
  config: 3,
  /** A check the command was asked for did not pass (`keys --check`: records still use an old key). */
  check: 4,
  /** Stopped by Ctrl-C (128 + SIGINT); what was done is kept, and running it again goes on. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A wrong command line: printed with the command's usage, exit code {@link EXIT.usage}. */
export class UsageError extends Error {
  override name = 'UsageError';
}
