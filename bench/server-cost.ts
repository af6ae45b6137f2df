/**
 * What the benches of a server's own cost per verify share (`pg-statements`, `redis-commands`): the
 * load average beside each series, a process's CPU from /proc, the floor's calls and the latency
 * ratios the targets name (a right code against two round trips, a wrong one against one).
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type pg from 'pg';

/** The load average over 1 / 5 / 15 minutes: the machine is shared. */
export const loadAverage = (): string =>
  loadavg()
    .map((value) => value.toFixed(1))
    .join(' / ');

/** A Redis server's pid, from the server itself. */
export async function redisPid(node: Redis): Promise<number> {
  return Number(/process_id:(\d+)/.exec(await node.info('server'))![1]);
}

/** The postmaster's pid of the cluster `pool` connects to (its backends are its children). */
export async function postmasterPid(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ data_directory: string }>('SHOW data_directory');
  return Number(readFileSync(join(rows[0]!.data_directory, 'postmaster.pid'), 'utf8').split('\n')[0]);
}

/** A process's parent and CPU ms (user + system) so far, or null once it is gone. */
export function processCpu(pid: number): { parent: number; cpuMs: number } | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  const ticksPerSecond = 100;
  // Fields after the command name (which may hold spaces): state, ppid, ... utime (14), stime (15).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return {
    parent: Number(fields[1]),
    cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond,
  };
}

/** The floor's two subjects: two round trips in a row, and one (`name`: `GET`, `SELECT 1`). */
export function floorSubjects(
  name: string,
  roundTrip: () => Promise<unknown>,
): Array<[string, () => Promise<unknown>]> {
  return [
    [
      `floor: 2x ${name}`,
      async () => {
        await roundTrip();
        await roundTrip();
      },
    ],
    [`floor: 1x ${name}`, roundTrip],
  ];
}

/**
 * Ends each row of `measured` with its p50 / p99 ratio to the floor (a right code's to two round
 * trips, a wrong code's to one); a floor's own row, or a store with no floor, ends with ''.
 */
export function pushFloorRatios(
  measured: ReadonlyMap<string, { p50: number; p99: number; row: Array<string | number> }>,
  name: string,
): void {
  for (const [subject, figures] of measured) {
    const floor = measured.get(subject.includes('correct') ? `floor: 2x ${name}` : `floor: 1x ${name}`);
    figures.row.push(
      floor && subject.startsWith('verify')
        ? `${(figures.p50 / floor.p50).toFixed(2)} / ${(figures.p99 / floor.p99).toFixed(2)}`
        : '',
    );
  }
}
