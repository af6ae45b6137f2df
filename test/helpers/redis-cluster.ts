import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './servers.js';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The cluster bus of a node listens on its port + 10000 (Redis' fixed offset). */
const BUS_PORT_OFFSET = 10_000;
const MASTERS = 3;
const SLOTS = 16_384;

/** A node of a {@link RedisCluster}. */
export interface RedisClusterNode {
  host: string;
  port: number;
}

/** A Redis Cluster this test run started: 3 masters, each with one replica, on loopback. */
export interface RedisCluster {
  /** Every node (masters and replicas): the startup nodes of an ioredis `Cluster`. */
  nodes: RedisClusterNode[];
  /**
   * SIGKILLs a master (the one on `port`, or the first live one) and returns it. Its replica takes
   * over once the others have marked it failed: about `nodeTimeoutMs` plus an election.
   */
  killMaster(port?: number): Promise<RedisClusterNode>;
  /** Kills every node and removes their folders. */
  stop(): Promise<void>;
}

interface Node extends RedisClusterNode {
  dir: string;
  child: ChildProcess | null;
}

function hasRedisServer(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v redis-server && command -v redis-cli'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A free port whose bus port (+10000) is free too, distinct from `taken`. */
async function freeNodePort(taken: Set<number>): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = await freePort();
    const bus = port + BUS_PORT_OFFSET;
    if (bus > 65_535 || taken.has(port) || taken.has(bus) || !(await portIsFree(bus))) continue;
    taken.add(port);
    taken.add(bus);
    return port;
  }
  throw new Error('no free port pair (port, port + 10000) for a cluster node');
}

async function cli(port: number, ...args: string[]): Promise<string> {
  return (await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 5000 })).stdout;
}

function logTail(node: Node): string {
  try {
    return readFileSync(join(node.dir, 'redis.log'), 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
}

async function startNode(node: Node, nodeTimeoutMs: number): Promise<void> {
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(node.port),
      '--bind',
      '127.0.0.1',
      '--dir',
      node.dir,
      '--logfile',
      join(node.dir, 'redis.log'),
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      join(node.dir, `nodes-${node.port}.conf`),
      '--cluster-node-timeout',
      String(nodeTimeoutMs),
      '--appendonly',
      'no',
      '--save',
      '',
      // A replica's first full sync starts at once instead of after the default 5 s.
      '--repl-diskless-sync-delay',
      '0',
    ],
    { stdio: 'ignore' },
  );
  node.child = child;
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) break;
    try {
      if ((await cli(node.port, 'ping')).trim() === 'PONG') return;
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  throw new Error(`redis-server (cluster node) did not start on ${node.port}:\n${logTail(node)}`);
}

async function killNode(node: Node): Promise<void> {
  const running = node.child;
  node.child = null;
  if (!running || running.exitCode !== null) return;
  const exited = new Promise((resolve) => running.once('exit', resolve));
  running.kill('SIGKILL');
  await exited;
}

/** True once the node sees every slot served, by a healthy cluster of all `nodeCount` nodes. */
async function nodeReady(port: number, nodeCount: number): Promise<boolean> {
  const info = await cli(port, 'cluster', 'info');
  const field = (name: string) => info.match(new RegExp(`^${name}:(\\S+)`, 'm'))?.[1];
  if (field('cluster_state') !== 'ok' || field('cluster_slots_ok') !== String(SLOTS)) return false;
  if (field('cluster_known_nodes') !== String(nodeCount)) return false;
  // A replica must hold its master's data, or it could not take over when the master dies.
  const replication = await cli(port, 'info', 'replication');
  return !/^role:slave/m.test(replication) || /^master_link_status:up/m.test(replication);
}

async function waitUntilReady(nodes: Node[], deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    const ready = await Promise.all(
      nodes.map((node) => nodeReady(node.port, nodes.length).catch(() => false)),
    );
    if (ready.every(Boolean)) return;
    await sleep(50);
  }
  throw new Error(`the Redis Cluster was not ready within ${deadlineMs} ms`);
}

/**
 * Starts a real Redis Cluster on loopback: 3 masters and 3 replicas, each a `redis-server` in its own
 * temporary folder, joined by `redis-cli --cluster create`, and returns once every node reports
 * `cluster_state:ok` with all slots served and every replica in sync. Null when redis-server or
 * redis-cli is not installed. A short `nodeTimeoutMs` (default 1000) makes a killed master fail
 * over in a few seconds.
 */
export async function startRedisCluster(
  options: { nodeTimeoutMs?: number } = {},
): Promise<RedisCluster | null> {
  if (!hasRedisServer()) return null;
  const nodeTimeoutMs = options.nodeTimeoutMs ?? 1000;
  const taken = new Set<number>();
  const nodes: Node[] = [];
  for (let i = 0; i < MASTERS * 2; i++) {
    nodes.push({
      host: '127.0.0.1',
      port: await freeNodePort(taken),
      dir: mkdtempSync(join(tmpdir(), 'factorkit-redis-cluster-')),
      child: null,
    });
  }
  const stop = async () => {
    await Promise.all(nodes.map(killNode));
    for (const node of nodes) rmSync(node.dir, { recursive: true, force: true });
  };
  try {
    await Promise.all(
      nodes.map(async (node) => {
        // A port taken between the check and the bind: try another pair.
        for (let attempt = 0; ; attempt++) {
          try {
            return await startNode(node, nodeTimeoutMs);
          } catch (error) {
            await killNode(node);
            if (attempt >= 2) throw error;
            node.port = await freeNodePort(taken);
          }
        }
      }),
    );
    const addresses = nodes.map((node) => `${node.host}:${node.port}`);
    await run(
      'redis-cli',
      ['--cluster', 'create', ...addresses, '--cluster-replicas', '1', '--cluster-yes'],
      {
        timeout: 30_000,
      },
    );
    await waitUntilReady(nodes, 20_000);
  } catch (error) {
    await stop();
    throw error;
  }

  const isMaster = async (node: Node) =>
    node.child !== null && (await cli(node.port, 'role').catch(() => '')).startsWith('master');
  return {
    nodes: nodes.map(({ host, port }) => ({ host, port })),
    async killMaster(port) {
      for (const node of nodes) {
        if (port !== undefined && node.port !== port) continue;
        if (!(await isMaster(node))) continue;
        await killNode(node);
        return { host: node.host, port: node.port };
      }
      throw new Error(`no live master${port === undefined ? '' : ` on port ${port}`}`);
    },
    stop,
  };
}
