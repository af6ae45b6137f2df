/**
 * Where a run's CPU went, by thread (Linux /proc): this process's main thread, the threads that
 * ended during the run (the import's worker threads: Node joins a worker's thread when it is
 * terminated), the threads that stay (V8's helpers, libuv's pool), and a store server's processes.
 * Per-thread figures do not depend on the load as rates do: on a busy machine a thread waits longer
 * but uses about the same CPU, which is what a projection to a machine with more cores needs.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's `stat` times (reaped children's CPU comes only in ticks). */
const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** A thread's CPU ns so far (schedstat: nanoseconds, not ticks), or 0 once it is gone. */
function taskNs(pid: number | 'self', tid: number | string): number {
  try {
    return Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
  } catch {
    return 0;
  }
}

/** Each live thread of a process and its CPU ns so far. */
function threadsNs(pid: number | 'self'): Map<number, number> {
  const threads = new Map<number, number>();
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return threads; // gone meanwhile
  }
  for (const tid of tids) threads.set(Number(tid), taskNs(pid, tid));
  return threads;
}

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces): [0] state, [1] ppid... */
function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

const sum = (values: Iterable<number>) => [...values].reduce((total, value) => total + value, 0);

/**
 * A server's CPU ns so far: every thread of `rootPid` and of its live children (PostgreSQL's
 * backends are the postmaster's), plus the children it has reaped (`cutime` + `cstime`, ticks), so
 * a backend that exits when its pool closes keeps its CPU in the sum.
 */
export function serverNs(rootPid: number): number {
  const root = statFields(rootPid);
  if (!root) return 0;
  let ns = sum(threadsNs(rootPid).values());
  ns += ((Number(root[13]) + Number(root[14])) * 1e9) / TICKS_PER_SECOND;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    if (statFields(Number(entry))?.[1] === String(rootPid)) ns += sum(threadsNs(Number(entry)).values());
  }
  return ns;
}

/** This process's CPU by thread at one moment, and a server's (null: none, as SQLite's). */
export interface CpuSnapshot {
  processNs: number;
  threads: Map<number, number>;
  serverNs: number | null;
}

export function cpuSnapshot(serverPid: number | null): CpuSnapshot {
  const usage = process.cpuUsage();
  return {
    // getrusage: every thread's, those that ended too.
    processNs: (usage.user + usage.system) * 1000,
    threads: threadsNs('self'),
    serverNs: serverPid === null ? null : serverNs(serverPid),
  };
}

/** CPU µs per user of a run, by thread; `ended`: the threads that ended during it (the workers). */
export interface CpuPerUser {
  main: number;
  ended: number;
  others: number;
  server: number | null;
}

export function cpuPerUser(before: CpuSnapshot, after: CpuSnapshot, users: number): CpuPerUser {
  const perUser = (ns: number) => ns / 1000 / users;
  const spent = (tid: number) => (after.threads.get(tid) ?? 0) - (before.threads.get(tid) ?? 0);
  const main = spent(process.pid);
  const others = sum([...after.threads.keys()].filter((tid) => tid !== process.pid).map(spent));
  return {
    main: perUser(main),
    // What no live thread accounts for: the threads that ran and ended in between.
    ended: perUser(Math.max(0, after.processNs - before.processNs - main - others)),
    others: perUser(others),
    server:
      before.serverNs === null || after.serverNs === null ? null : perUser(after.serverNs - before.serverNs),
  };
}

/**
 * A run's CPU per user without what a start-up run cost this process's threads (as `cpuPerUser` of
 * the same number of users). The server's is kept as measured: what a server did during a start-up
 * run is mostly its own housekeeping after the runs before (hundreds of ms on Redis after 100,000
 * users), not the import's.
 */
export function lessStartUp(run: CpuPerUser, startUp: CpuPerUser): CpuPerUser {
  return {
    main: run.main - startUp.main,
    ended: run.ended - startUp.ended,
    others: run.others - startUp.others,
    server: run.server,
  };
}
