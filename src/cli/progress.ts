import type { CliIo } from './command.js';

/** Plain lines at most this often when stderr is not a terminal. */
const LINE_EVERY_MS = 5000;
/** Redraws of the bar at most this often. */
const DRAW_EVERY_MS = 100;

/** A count as people read it: `1,234,567`. */
export const count = (n: number) => Math.round(n).toLocaleString('en-US');

/** `m:ss`, or `h:mm:ss` past an hour. */
const duration = (seconds: number) => {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h > 0 ? `${h}:${String(m).padStart(2, '0')}` : m}:${String(s % 60).padStart(2, '0')}`;
};

/** What a progress reports at its end. */
export interface ProgressEnd {
  /** Items this run did (not those an earlier run had done). */
  done: number;
  seconds: number;
  /** Items per second. */
  rate: number;
}

/**
 * Progress of a long command (`import`, `export`, `rekey`) on stderr: on a terminal a bar redrawn
 * in place with the rate and the time left; otherwise a plain line every few seconds (for logs).
 * `total` is null when unknown (no bar, no time left). `unit` names what is counted.
 */
export function createProgress(
  io: CliIo,
  options: { total: number | null; unit: string; now?: () => number },
) {
  const { total, unit } = options;
  const now = options.now ?? Date.now;
  const started = now();
  let done = 0;
  /** Items found done by an earlier run: they advance the bar, not the rate (nor the time left). */
  let passed = 0;
  let drawn = Number.NEGATIVE_INFINITY;
  let shown = false;
  const line = () => {
    const seconds = (now() - started) / 1000;
    const rate = seconds > 0 ? (done - passed) / seconds : 0;
    const share = total === null ? null : total > 0 ? Math.min(1, done / total) : 1;
    const left = total !== null && rate > 0 ? Math.max(0, total - done) / rate : null;
    const counted = total === null ? count(done) : `${count(done)}/${count(total)}`;
    const eta = left === null ? '' : ` ETA ${duration(left)}`;
    return { share, text: `${counted} ${unit}, ${count(rate)} ${unit}/s${eta}` };
  };
  const draw = (force: boolean) => {
    const at = now();
    if (!force && at - drawn < (io.tty ? DRAW_EVERY_MS : LINE_EVERY_MS)) return;
    drawn = at;
    const { share, text } = line();
    const percent = share === null ? '' : `${String(Math.floor(share * 100)).padStart(3)}% `;
    if (!io.tty) {
      io.err(`${percent.trimStart()}${text}\n`);
      return;
    }
    const width = Math.max(10, Math.min(40, io.tty.columns - text.length - 10));
    const filled = share === null ? 0 : Math.round(share * width);
    const bar = share === null ? '' : `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] `;
    io.err(`\r\x1b[K${bar}${percent}${text}`);
    shown = true;
  };
  return {
    /** `n` more items finished. */
    tick(n = 1) {
      done += n;
      draw(false);
    },
    /** `n` more items found done by an earlier run (a resume): counted in the bar, not in the rate. */
    pass(n = 1) {
      done += n;
      passed += n;
      draw(false);
    },
    /** A message on its own line (the bar is redrawn after it). */
    say(message: string) {
      if (shown) io.err('\r\x1b[K');
      io.err(`${message}\n`);
      if (shown) draw(true);
    },
    /** The last state drawn, the bar's line ended, and how long this run's items took said. */
    end(): ProgressEnd {
      draw(true);
      if (io.tty) io.err('\n');
      const seconds = (now() - started) / 1000;
      const ran = done - passed;
      const rate = seconds > 0 ? ran / seconds : 0;
      io.err(`${count(ran)} ${unit} in ${duration(seconds)} (${count(rate)} ${unit}/s)\n`);
      return { done: ran, seconds, rate };
    },
  };
}
