import { FactorkitError } from '../entries/index.js';
import { type CliIo, type Command, commandHelp, parseCommandArgs } from './command.js';
import { exportCommand } from './commands/export.js';
import { importCommand } from './commands/import.js';
import { keygenCommand } from './commands/keygen.js';
import { keysCommand } from './commands/keys.js';
import { rekeyCommand } from './commands/rekey.js';
import { EXIT, type ExitCode, UsageError } from './exit-codes.js';

/** Every command, in the order `--help` lists them: one file each under `src/cli/commands/`. */
const commands: readonly Command[] = [keygenCommand, keysCommand, rekeyCommand, importCommand, exportCommand];

function overview(): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    'Usage: npx factorkit <command> [options]',
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    "Run `npx factorkit <command> --help` for a command's options. Exit codes: docs/cli.md.",
    '',
  ].join('\n');
}

/**
 * Runs `npx factorkit <command> ...args` and returns its exit code (docs/cli.md lists them). Writes
 * results to `io.out` and everything else to `io.err`; never prints a secret but the key `keygen`
 * was asked for.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.err : io.out)(overview());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = commands.find((candidate) => candidate.name === name);
  if (!command) {
    io.err(`factorkit: unknown command "${name}"\n\n${overview()}`);
    return EXIT.usage;
  }
  try {
    const { flags, positionals } = parseCommandArgs(command, args);
    if (flags['help']) {
      io.out(commandHelp(command));
      return EXIT.ok;
    }
    return await command.run(flags, positionals, io);
  } catch (error) {
    return reportFailure(error, command, io);
  }
}

/** What a secret that does not open says about the configuration. */
const WRONG_KEYS =
  'a stored secret does not open with FACTORKIT_KEY (and FACTORKIT_OLD_KEYS): set the key the store was written with';

/** Says what went wrong in one line (a message, never a stack or a secret) and picks the exit code. */
function reportFailure(error: unknown, command: Command, io: CliIo): ExitCode {
  if (error instanceof UsageError) {
    io.err(`factorkit ${command.name}: ${error.message}\nRun \`npx factorkit ${command.name} --help\`.\n`);
    return EXIT.usage;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof FactorkitError && error.code === 'DECRYPT_FAILED') {
    // Every secret of a store opens with its keys, so one that does not is the keys' fault, not the data's.
    io.err(`factorkit ${command.name}: ${message}: ${WRONG_KEYS}\n`);
    return EXIT.config;
  }
  io.err(`factorkit ${command.name}: ${message}\n`);
  return error instanceof FactorkitError && error.code === 'CONFIG' ? EXIT.config : EXIT.failed;
}
