import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { maskPassword, openStore } from '../../src/cli/open-store.js';
import { Keyring } from '../../src/core/keyring.js';
import { keysFromEnv } from '../../src/core/keys-from-env.js';
import { runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'factorkit-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npx factorkit: the command table', () => {
  it('keygen prints one new key on stdout, nothing else, and the keyring takes it', async () => {
    const first = await runCli(['keygen']);
    const second = await runCli(['keygen']);
    expect(first.code).toBe(EXIT.ok);
    expect(first.stdout).toMatch(/^[A-Za-z0-9_-]{43}\n$/);
    expect(first.stderr).toBe('');
    expect(second.stdout).not.toBe(first.stdout);
    expect(() => new Keyring(first.stdout.trim())).not.toThrow();
    const hex = await runCli(['keygen', '--hex']);
    expect(hex.stdout).toMatch(/^[0-9a-f]{64}\n$/);
  });

  it('--help lists the commands (exit 0); no command at all is a usage error (exit 2)', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(EXIT.ok);
    expect(help.stdout).toMatch(/keygen\s+print a new random application key/);
    const none = await runCli([]);
    expect(none.code).toBe(EXIT.usage);
    expect(none.stderr).toContain('Usage: npx factorkit <command>');
  });

  it('each command has its --help; an unknown command, flag or argument exits 2 and points at --help', async () => {
    const help = await runCli(['keygen', '--help']);
    expect(help.code).toBe(EXIT.ok);
    expect(help.stdout).toContain('Usage: npx factorkit keygen [options]');
    expect(help.stdout).toContain('--hex');
    expect((await runCli(['nope'])).code).toBe(EXIT.usage);
    const flag = await runCli(['keygen', '--bogus']);
    expect(flag.code).toBe(EXIT.usage);
    expect(flag.stderr).toContain('npx factorkit keygen --help');
    const positional = await runCli(['keygen', 'some-secret-typed-by-mistake']);
    expect(positional.code).toBe(EXIT.usage);
    expect(positional.stderr).not.toContain('some-secret-typed-by-mistake');
  });

  it('runs as a process: the bin prints a key and exits 0, and exits 2 for a wrong command line', async () => {
    const run = promisify(execFile);
    const bin = ['--import', 'tsx', 'src/cli/bin.ts'];
    const { stdout } = await run(process.execPath, [...bin, 'keygen']);
    expect(stdout).toMatch(/^[A-Za-z0-9_-]{43}\n$/);
    await expect(run(process.execPath, [...bin, 'keygen', '--nope'])).rejects.toMatchObject({ code: 2 });
  });
});

describe('keys from the environment', () => {
  const key = (n: number) => Buffer.alloc(32, n).toString('base64url');

  it('FACTORKIT_KEY alone is the key; FACTORKIT_OLD_KEYS adds the older keys of a rotation', () => {
    expect(keysFromEnv({ FACTORKIT_KEY: key(1) })).toBe(key(1));
    expect(keysFromEnv({ FACTORKIT_KEY: key(1), FACTORKIT_OLD_KEYS: ` ${key(2)}, ${key(3)} ,` })).toEqual({
      current: key(1),
      old1: key(2),
      old2: key(3),
    });
  });

  it('an unset or empty FACTORKIT_KEY is CONFIG, saying so and how to make one', () => {
    for (const env of [{}, { FACTORKIT_KEY: '  ' }]) {
      expect(() => keysFromEnv(env)).toThrow(/FACTORKIT_KEY is not set.*npx factorkit keygen/);
    }
  });
});

describe('--store URLs', () => {
  it('sqlite: opens an existing file; a missing file is CONFIG unless the command creates one', async () => {
    const path = join(dir, 'store.db');
    await expect(openStore(`sqlite:${path}`)).rejects.toMatchObject({ code: 'CONFIG' });
    const created = await openStore(`sqlite:${path}?table=cli_records`, { create: true });
    const done = await created.store.commit(
      [{ type: 'put', key: 'k', fields: { a: '1' }, expiresAt: null }],
      1,
    );
    expect(done.ok).toBe(true);
    await created.close();
    const again = await openStore(`sqlite:${path}?table=cli_records`);
    expect((await again.store.get('k', 1))?.fields).toEqual({ a: '1' });
    await again.close();
  });

  it('an unknown form is CONFIG listing the forms; a password never shows in messages', async () => {
    await expect(openStore('mysql://x')).rejects.toThrow(/sqlite:\.\/2fa\.db[\s\S]*redis-cluster:\/\//);
    expect(maskPassword('redis://:hunter2@host:6379/0')).toBe('redis://:***@host:6379/0');
    expect(maskPassword('postgres://me:hunter2@db/app')).toBe('postgres://me:***@db/app');
    expect(maskPassword('redis-cluster://u:p@h1:1,h2:2')).toBe('redis-cluster://u:***@h1:1,h2:2');
  });

  const redisPort = inject('redisPort');
  const clusterPorts = inject('redisClusterPorts');
  const postgresPort = inject('postgresPort');
  const servers = [
    { name: 'redis', url: `redis://127.0.0.1:${redisPort}?prefix=cli-${process.pid}:`, skip: !redisPort },
    {
      name: 'redis-cluster',
      url: `redis-cluster://${(clusterPorts ?? []).map((port) => `127.0.0.1:${port}`).join(',')}?prefix=cli-${process.pid}:`,
      skip: !clusterPorts,
    },
    {
      name: 'postgres',
      url: `postgres://postgres@127.0.0.1:${postgresPort}/postgres?table=cli_${process.pid}`,
      skip: !postgresPort,
      create: true,
    },
  ];
  for (const server of servers) {
    it.skipIf(server.skip)(
      `${server.name}: the URL opens a working store, its own options taken off`,
      async () => {
        const opened = await openStore(server.url, { create: server.create === true });
        try {
          const key = `{cli}:${server.name}`;
          await opened.store.commit([{ type: 'put', key, fields: { a: '1' }, expiresAt: null }], 1);
          expect((await opened.store.get(key, 1))?.fields).toEqual({ a: '1' });
        } finally {
          await opened.close();
        }
      },
    );
  }

  it('a Redis Cluster URL needs host:port pairs', async () => {
    await expect(openStore('redis-cluster://h1:1,h2')).rejects.toMatchObject({ code: 'CONFIG' });
  });
});
