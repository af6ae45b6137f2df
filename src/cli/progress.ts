import type { CliIo } from './command.js';

/** Plain lines at most this often when stderr is not a terminal. */
const LINE_EVERY_MS = 5000;
/** Redraws of the bar at most this often. */
const DRAW_EVERY_MS = 100;

const duration = (seconds: number) => {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h > 0 ? `${h}:${String(m).padStart(2, '0')}` : m}:${String(s % 60).padStart(2, '0')}`;
};

/**
 * Progress of a long command on stderr: on a terminal a bar redrawn in place with the rate and the
 * time left; otherwise a plain line every few seconds (for logs). `say` prints a message above it.
 */
export function createProgress(io: CliIo, total: number | null, now: () => number = Date.now) {
  const started = now();
  let done = 0;
  let drawn = 0;
  let shown = false;
  const text = () => {
    const seconds = (now() - started) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const left = total !== null && rate > 0 ? (total - done) / rate : null;
    const count = total === null ? `${done}` : `${done}/${total}`;
    return { seconds, rate, left, count };
  };
  const draw = (force: boolean) => {
    const at = now();
    if (!force && at - drawn < (io.tty ? DRAW_EVERY_MS : LINE_EVERY_MS)) return;
    drawn = at;
    const { rate, left, count } = text();
    const eta = left === null ? '' : ` ETA ${duration(left)}`;
    const perSecond = `${Math.round(rate)} users/s`;
    if (!io.tty) {
      io.err(
        `${count} records${total ? ` (${Math.floor((done / total) * 100)}%)` : ''}, ${perSecond}${eta}\n`,
      );
      return;
    }
    const width = Math.max(10, Math.min(40, io.tty.columns - 50));
    const filled = total ? Math.round((done / Math.max(total, 1)) * width) : 0;
    const bar = total ? `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ` : '';
    io.err(`\r\x1b[K${bar}${count} ${perSecond}${eta}`);
    shown = true;
  };
  return {
    /** One more record finished. */
    tick(count = 1) {
      done += count;
      draw(false);
    },
    /** A message on its own line (the bar is redrawn after it). */
    say(message: string) {
      if (shown) io.err('\r\x1b[K');
      io.err(`${message}\n`);
      if (shown) draw(true);
    },
    /** The last state, and the bar's line ended. */
    end() {
      draw(true);
      if (io.tty) io.err('\n');
      return text();
    },
  };
}
