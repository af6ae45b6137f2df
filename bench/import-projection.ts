/**
 * The import's rate on a machine with enough cores, projected from the CPU each thread used per
 * user in the bench (bench/thread-cpu.ts), beside its floor's projected the same way. The model:
 * the main thread (reading, messages, the store client, the journal) and the store server each do
 * their share of every user in order, the workers split theirs, so with W workers each on a core of
 * its own the rate is about 1e6 / max(main µs, server µs, workers' µs / W) users a second. It
 * assumes the per-user CPU stays what it was on this machine, that nothing else waits (no lock,
 * disk or round trip binds before a core does: the concurrency hides the latency), and it leaves
 * out V8's helper threads (the garbage collector's, printed beside), which run beside them.
 */
import { format, table } from './harness.js';
import type { CpuPerUser } from './thread-cpu.js';

/** One measured run of a store: an import (`workers` threads, 0 for the main thread alone) or a floor. */
export interface ThreadRun {
  store: string;
  run: string;
  workers: number;
  threads: CpuPerUser;
  /** What was taken out of `threads`: an import's fixed cost, as µs per user of the run (null: none). */
  startUp: CpuPerUser | null;
  /** The 1-minute load average at its end: the machine is shared. */
  load: number;
}

/** Worker counts the projection is printed for. */
const PROJECTED_WORKERS = [1, 2, 3];

/** Users/s with each thread on a core of its own: the busiest part binds. */
export function projectedRate(cpu: CpuPerUser, workers: number): number {
  const parts = [cpu.main, cpu.server ?? 0];
  if (workers > 0) parts.push(cpu.ended / workers);
  return 1e6 / Math.max(...parts);
}

const us = (value: number | null) => (value === null ? '-' : String(Math.round(value)));
const ratio = (rate: number, floor: number | undefined) =>
  floor === undefined ? '-' : `${(rate / floor).toFixed(2)}x`;

/**
 * Prints each run's CPU µs per user by thread and the projection; `floor` and `batched` name the
 * floors' runs (one user per commit, `BATCH` per `commitEach`) the ratios are to.
 */
export function printProjection(
  runs: readonly ThreadRun[],
  users: number,
  floor: string,
  batched: string,
): void {
  const ms = (perUser: number | null) => (perUser === null ? '-' : Math.round((perUser * users) / 1000));
  const rows = runs.map((r) => {
    const floorOf = (name: string) => {
      const found = runs.find((f) => f.store === r.store && f.run === name);
      return found && projectedRate(found.threads, 0);
    };
    const counts = r.workers > 0 ? PROJECTED_WORKERS : [0];
    const rates = counts.map((w) => projectedRate(r.threads, w));
    const joined = (cells: string[]) => cells.join(' / ');
    return [
      r.store,
      r.run,
      us(r.threads.main),
      r.workers > 0 ? us(r.threads.ended) : '-',
      us(r.threads.others),
      us(r.threads.server),
      joined(rates.map(format)),
      joined(rates.map((rate) => ratio(rate, floorOf(floor)))),
      joined(rates.map((rate) => ratio(rate, floorOf(batched)))),
      r.startUp ? [r.startUp.main, r.startUp.ended, r.startUp.others].map(ms).join(' / ') : '-',
      r.load.toFixed(1),
    ];
  });
  console.log(
    'CPU µs per user by thread (schedstat; the store server: its processes and their children), and the',
  );
  console.log(
    'rate PROJECTED on a machine with enough cores from that CPU: 1e6 / max(main, server, workers / W),',
  );
  console.log(
    `for W = ${PROJECTED_WORKERS.join(', ')} on the import runs (a projection, not a measured rate). An import's`,
  );
  console.log(
    "fixed cost (an import of one batch with the same workers: the workers' start, through tsx from source) is taken out:\n",
  );
  table(
    [
      'store',
      'run',
      'main thread',
      'workers (together)',
      'other threads (V8, libuv)',
      'store server',
      `projected users/s (W = ${PROJECTED_WORKERS.join(' / ')})`,
      `vs ${floor}'s projection`,
      `vs ${batched}'s projection`,
      'start-up taken out, ms: main / workers / others',
      'load (1 min)',
    ],
    rows,
  );
}
