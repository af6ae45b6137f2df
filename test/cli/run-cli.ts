import type { CliIo } from '../../src/cli/command.js';
import { main } from '../../src/cli/main.js';

/** Runs `npx factorkit ...args` in this process, with its output captured. */
export async function runCli(
  args: string[],
  options: {
    env?: Record<string, string | undefined>;
    tty?: CliIo['tty'];
    /** stdout is a terminal. */
    outTerminal?: boolean;
    signal?: AbortSignal;
    /** Sees each write to stderr as it happens (to press Ctrl-C at a given moment). */
    onErr?: (text: string) => void;
  } = {},
) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    out: (text) => {
      stdout += text;
    },
    err: (text) => {
      stderr += text;
      options.onErr?.(text);
    },
    env: options.env ?? {},
    tty: options.tty ?? null,
    outTerminal: options.outTerminal ?? false,
    signal: options.signal ?? new AbortController().signal,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}
