import type { CliIo } from './command.js';

/**
 * The process's streams and environment as a {@link CliIo}. The first Ctrl-C aborts `signal` (a
 * long command stops after the step it is in, keeping what it did); a second one exits at once.
 */
export function processIo(): CliIo {
  const controller = new AbortController();
  process.on('SIGINT', () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  });
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    env: process.env,
    tty: process.stderr.isTTY ? { columns: process.stderr.columns || 80 } : null,
    outTerminal: process.stdout.isTTY === true,
    signal: controller.signal,
  };
}
