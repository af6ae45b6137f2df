import type { CliIo } from './command.js';

/** How often a plain (not a terminal) progress line is written, at most. */
const PLAIN_EVERY_MS = 5000;

const count = (n: number) => Math.round(n).toLocaleString('en-US');

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const hours = Math.floor(s / 3600);
  const rest = `${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  return hours > 0 ? `${hours}:${rest}` : rest;
}

/**
 * Progress of a long command over about `total` items: on a terminal a bar redrawn in place with
 * the rate and the time left; otherwise a plain line every few seconds (logs stay readable).
 */
export function progressReporter(io: CliIo, label: string, total: number, now: () => number = Date.now) {
  const started = now();
  let lastPlain = started;
  const text = (done: number) => {
    const seconds = (now() - started) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const left = rate > 0 ? Math.max(0, total - done) / rate : Number.POSITIVE_INFINITY;
    const share = total > 0 ? Math.min(1, done / total) : 1;
    return {
      share,
      line: `${count(done)}/${count(total)} ${label}  ${count(rate)}/s  ETA ${duration(left)}`,
    };
  };
  return {
    update(done: number) {
      const { share, line } = text(done);
      if (io.tty) {
        const width = Math.max(10, Math.min(40, io.tty.columns - line.length - 10));
        const filled = Math.round(share * width);
        io.err(
          `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(share * 100)).padStart(3)}% ${line}`,
        );
      } else if (now() - lastPlain >= PLAIN_EVERY_MS) {
        lastPlain = now();
        io.err(`${label}: ${line}\n`);
      }
    },
    /** Ends the bar's line; says how long it took. */
    finish(done: number) {
      const seconds = (now() - started) / 1000;
      if (io.tty) io.err('\n');
      io.err(
        `${count(done)} ${label} in ${duration(seconds)} (${count(seconds > 0 ? done / seconds : done)}/s)\n`,
      );
    },
  };
}
