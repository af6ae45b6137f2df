/**
 * Redis's own cost of a verify (issue 24), beside the client's: the server's CPU per operation (user +
 * system time of the redis-server processes, from /proc), the commands' time as Redis counts it
 * (`INFO commandstats`: EVALSHA for the scripts, GET for the floor; reset before each series) and
 * this Node process's CPU per operation (`process.cpuUsage`: factorkit, ioredis, the socket's
 * syscalls, GC). `login.verify` with a right code and with a wrong one beside the floor, two and one
 * `GET`, through the same client at 1 and at 32 connections, on one Redis and on a 3-master Redis
 * Cluster, with the latency ratios the targets name. The load average is printed beside the figures:
 * the machine is shared. A MemoryStore's rows come first: the facade's own Node CPU per verify, with no
 * network. Bounded: 3 stores x 4 subjects x (1,000 + 2,000) calls.
 */
import { Cluster, Redis } from 'ioredis';
import { MemoryStore, type Store } from '../src/entries/index.js';
import { RedisStore } from '../src/entries/redis.js';
import { startRedisCluster } from '../test/helpers/redis-cluster.js';
import { startRedis } from '../test/helpers/servers.js';
import { prepare } from './bench-facade.js';
import { measureAsync, table } from './harness.js';
import { floorSubjects, loadAverage, processCpu, pushFloorRatios, redisPid } from './server-cost.js';

const RUNS = [
  { concurrency: 1, total: 1000 },
  { concurrency: 32, total: 2000 },
];
const WARM_UP = 300;
/** The commands the bench's client sends; the rest run inside scripts. */
const SENT = new Set(['evalsha', 'eval', 'get']);

/** CPU ms (user + system) the processes `pids` have used so far. */
const processCpuMs = (pids: readonly number[]): number =>
  pids.reduce((sum, pid) => sum + (processCpu(pid)?.cpuMs ?? 0), 0);

/** `INFO commandstats` per command: calls and µs, summed over the nodes. */
async function commandStats(nodes: readonly Redis[]): Promise<Map<string, { calls: number; usec: number }>> {
  const stats = new Map<string, { calls: number; usec: number }>();
  for (const node of nodes) {
    for (const match of (await node.info('commandstats')).matchAll(
      /^cmdstat_(\S+?):calls=(\d+),usec=(\d+)/gm,
    )) {
      const [, name, calls, usec] = match;
      const sum = stats.get(name!) ?? { calls: 0, usec: 0 };
      sum.calls += Number(calls);
      sum.usec += Number(usec);
      stats.set(name!, sum);
    }
  }
  return stats;
}

interface Subject {
  name: string;
  /** null: the MemoryStore, the facade's own cost with no network (no floor). */
  client: Redis | Cluster | null;
  /** The nodes that serve the data (the masters of a cluster). */
  nodes: Redis[];
  pids: number[];
  store: Store;
  close: () => Promise<unknown>;
}

async function measureStore(subject: Subject, rows: Array<Array<string | number>>, breakdowns: string[]) {
  const { client, nodes, pids, store } = subject;
  const calls = RUNS.reduce((sum, run) => sum + run.total, 0);
  const right = await prepare(store, WARM_UP + calls, 'right');
  const wrong = await prepare(store, calls, 'wrong');
  let nextRight = WARM_UP;
  let nextWrong = 0;
  const wrongCode = (code: string) => code.slice(0, 5) + ((Number(code[5]) + 1) % 10);
  const subjects: Array<[string, () => Promise<unknown>]> = [
    [
      'verify, correct code',
      () => {
        const user = right.users[nextRight++]!;
        return right.tf.login.verify(user.challengeId, user.code);
      },
    ],
    [
      'verify, wrong code',
      () => {
        const user = wrong.users[nextWrong++]!;
        return wrong.tf.login.verify(user.challengeId, wrongCode(user.code));
      },
    ],
  ];
  if (client) subjects.push(...floorSubjects('GET', () => client.get('bench:floor')));
  await measureAsync((i) => right.tf.login.verify(right.users[i]!.challengeId, right.users[i]!.code), {
    total: WARM_UP,
    concurrency: 32,
  });
  for (const { concurrency, total } of RUNS) {
    const measured = new Map<string, { p50: number; p99: number; row: Array<string | number> }>();
    for (const [name, call] of subjects) {
      await Promise.all(nodes.map((node) => node.config('RESETSTAT')));
      const loadBefore = loadAverage();
      const serverBefore = processCpuMs(pids);
      const nodeBefore = process.cpuUsage();
      const figures = await measureAsync(call, { total, concurrency });
      const nodeCpu = process.cpuUsage(nodeBefore);
      const serverMs = processCpuMs(pids) - serverBefore;
      const stats = [...(await commandStats(nodes))].filter(([command]) => !command.startsWith('config'));
      // The commands the client sent: a script's time includes the calls it made (also listed apart).
      const commandUs = stats
        .filter(([command]) => SENT.has(command))
        .reduce((sum, [, s]) => sum + s.usec, 0);
      const row = [
        subject.name,
        String(concurrency),
        name,
        figures.opsPerSecond,
        figures.p50,
        figures.p99,
        client ? (serverMs * 1000) / total : '-',
        client ? commandUs / total : '-',
        (nodeCpu.user + nodeCpu.system) / total,
        loadBefore,
      ];
      measured.set(name, { ...figures, row });
      rows.push(row);
      if (client)
        breakdowns.push(
          `${subject.name}, ${name}, ${concurrency} connection(s): ${stats
            .map(
              ([command, s]) =>
                `${command} ${(s.calls / total).toFixed(2)}/op × ${(s.usec / s.calls).toFixed(1)} µs`,
            )
            .join(', ')}`,
        );
    }
    pushFloorRatios(measured, 'GET');
  }
}

export async function benchRedisCommands(): Promise<void> {
  const [server, clusterServer] = await Promise.all([startRedis(), startRedisCluster()]);
  if (!server) {
    console.log('## Redis commands: skipped (no redis-server installed)\n');
    return;
  }
  const subjects: Subject[] = [
    {
      name: 'memory',
      client: null,
      nodes: [],
      pids: [],
      store: new MemoryStore(),
      close: async () => undefined,
    },
  ];
  const client = new Redis({ host: '127.0.0.1', port: server.port });
  subjects.push({
    name: 'redis',
    client,
    nodes: [client],
    pids: [await redisPid(client)],
    store: new RedisStore({ client }),
    close: () => client.quit(),
  });
  if (clusterServer) {
    const cluster = new Cluster(clusterServer.nodes.map(({ host, port }) => ({ host, port })));
    await cluster.ping();
    const masters = cluster.nodes('master');
    subjects.push({
      name: 'redis-cluster',
      client: cluster,
      nodes: masters,
      pids: await Promise.all(masters.map(redisPid)),
      store: new RedisStore({ client: cluster }),
      close: () => cluster.quit(),
    });
  }
  const rows: Array<Array<string | number>> = [];
  const breakdowns: string[] = [];
  for (const subject of subjects) {
    await measureStore(subject, rows, breakdowns);
    await subject.close();
  }
  await Promise.all([server.stop(), clusterServer?.stop()]);
  console.log(
    `## Redis's cost per operation beside the client's (server CPU from /proc, command time from INFO commandstats, Node CPU of this process; load average 1 / 5 / 15 min when each series began)\n`,
  );
  table(
    [
      'store',
      'connections',
      'operation',
      'ops/s',
      'p50 ms',
      'p99 ms',
      'server CPU µs/op',
      'commands µs/op',
      'Node CPU µs/op',
      'load',
      'p50 / p99 ÷ floor',
    ],
    rows,
  );
  console.log(`\nCommands per operation (INFO commandstats):\n\n${breakdowns.join('\n')}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) await benchRedisCommands();
