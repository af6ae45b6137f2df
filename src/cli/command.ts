import { parseArgs } from 'node:util';
import { type ExitCode, UsageError } from './exit-codes.js';

/** Where a command reads and writes: the process's, or a test's. */
export interface CliIo {
  /** The command's result (a key, a JSON document): what a script captures. */
  out(text: string): void;
  /** Progress and messages for the person at the terminal. */
  err(text: string): void;
  /** The environment (`FACTORKIT_KEY`, ...). */
  env: Readonly<Record<string, string | undefined>>;
  /** Whether stderr is a terminal (a progress bar redraws in place) and its width in columns. */
  tty: { columns: number } | null;
  /** Whether stdout is a terminal: `export` writes secrets there only when it is not (a pipe, a file). */
  outTerminal: boolean;
  /** Aborted on Ctrl-C: a long command stops between two steps and says how to go on. */
  signal: AbortSignal;
}

/** The flags of a command, as `node:util` `parseArgs` takes them. */
export type FlagSpec = Record<string, { type: 'string' | 'boolean'; short?: string; description: string }>;

/** One `npx factorkit <name>` command: a file under `src/cli/commands/`. */
export interface Command {
  name: string;
  /** One line for `npx factorkit --help`. */
  summary: string;
  /** `npx factorkit <name> --help`: what it does, then its flags (added from `flags`). */
  help: string;
  flags: FlagSpec;
  /** What its positional arguments are, for `--help` (`<file>`); without it, it takes none. */
  positionals?: string;
  run(
    flags: Record<string, string | boolean | undefined>,
    positionals: string[],
    io: CliIo,
  ): Promise<ExitCode>;
}

/** Parses a command's arguments strictly: an unknown flag or a missing value is a {@link UsageError}. */
export function parseCommandArgs(command: Command, args: string[]) {
  try {
    const { values, positionals } = parseArgs({
      args,
      options: { ...command.flags, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: true,
    });
    if (command.positionals === undefined && positionals.length > 0)
      throw new UsageError(`takes no arguments (${positionals.length} given)`);
    return { flags: values as Record<string, string | boolean | undefined>, positionals };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError((error as Error).message);
  }
}

/** The `--help` text of a command: its help, then one line per flag. */
export function commandHelp(command: Command): string {
  const flags = Object.entries(command.flags).map(([name, spec]) => {
    const left = `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.type === 'string' ? ' <value>' : ''}`;
    return `  ${left.padEnd(30)} ${spec.description}`;
  });
  flags.push(`  ${'-h, --help'.padEnd(30)} show this help`);
  const positionals = command.positionals ? ` ${command.positionals}` : '';
  return `Usage: npx factorkit ${command.name} [options]${positionals}\n\n${command.help}\n\nOptions:\n${flags.join('\n')}\n`;
}
