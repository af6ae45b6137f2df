import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function which(binary: string): string | null {
  try {
    return execFileSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

/** A Redis server this test run started. */
export interface RedisServer {
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
}

/**
 * Starts redis-server on a free loopback port, or returns null when it is not installed.
 * `persistent` turns on the append-only file (fsync always) in a temporary folder, so a restart keeps the data.
 */
export async function startRedis(options: { persistent?: boolean } = {}): Promise<RedisServer | null> {
  const binary = which('redis-server');
  if (!binary) return null;
  const port = await freePort();
  const persistence = options.persistent
    ? [
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--dir',
        mkdtempSync(join(tmpdir(), 'factorkit-redis-')),
      ]
    : ['--appendonly', 'no'];
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    ...persistence,
    '--protected-mode',
    'yes',
  ];
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn(binary, args, { stdio: process.env['FACTORKIT_DEBUG_SERVERS'] ? 'inherit' : 'ignore' });
    for (let i = 0; i < 100; i++) {
      try {
        execFileSync('redis-cli', ['-p', String(port), 'ping'], { stdio: 'pipe' });
        return;
      } catch {
        await sleep(50);
      }
    }
    throw new Error(`redis-server did not start on ${port}`);
  };
  const stop = async () => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };
  await start();
  return { port, start, stop };
}

/** A PostgreSQL cluster this test run created. */
export interface PostgresServer {
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

function postgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
    for (const version of versions)
      if (existsSync(join(root, version, 'bin', 'initdb'))) return join(root, version, 'bin');
  }
  const initdb = which('initdb');
  return initdb ? initdb.replace(/\/initdb$/, '') : null;
}

/**
 * initdb into a temporary folder and pg_ctl start on a free loopback port (as `postgres` when root),
 * `fsync=off`. `settings` are more `-c` options (a bench preloads `pg_stat_statements`).
 */
export async function startPostgres(extra: { settings?: string[] } = {}): Promise<PostgresServer | null> {
  const bin = postgresBin();
  if (!bin) return null;
  const asRoot = process.getuid?.() === 0;
  const run = (tool: string, args: string[]) =>
    asRoot
      ? execFileSync('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args], { stdio: 'pipe' })
      : execFileSync(join(bin, tool), args, { stdio: 'pipe' });
  const dir = mkdtempSync(join(tmpdir(), 'factorkit-pg-'));
  chmodSync(dir, 0o777);
  if (asRoot) execFileSync('chown', ['postgres', dir]);
  const data = join(dir, 'data');
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200${(extra.settings ?? []).map((setting) => ` -c ${setting}`).join('')}`;
  const start = async () => {
    run('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start']);
  };
  const stop = async () => {
    try {
      run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
    } catch {
      // already stopped
    }
  };
  await start();
  return {
    port,
    start,
    stop,
    destroy: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Whether a missing server must fail the run (CI) instead of skipping loudly. */
export const servicesRequired = process.env['FACTORKIT_REQUIRE_SERVICES'] === '1';

/**
 * A TOTP code for the previous time step, for enrolling against the real clock while leaving the
 * current step free for a login. Waits out the last five seconds of a step, so the confirmation can
 * never land two steps later than its code.
 */
export async function previousStepCode(
  secret: string,
  totp: { generateCode(secret: string, atMs: number): string },
): Promise<string> {
  // A browser test's typing and clicks can take seconds on a busy machine: start them early in a step.
  const intoStepMs = Date.now() % 30_000;
  if (intoStepMs > 25_000) await sleep(30_100 - intoStepMs);
  return totp.generateCode(secret, Date.now() - 30_000);
}
