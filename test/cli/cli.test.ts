import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { CliIo } from '../../src/cli/command.js';
import { DIGEST_BYTES, DigestSet } from '../../src/cli/digest-set.js';
import { EXIT } from '../../src/cli/exit-codes.js';
import { keyTable } from '../../src/cli/key-table.js';
import { maskPassword, openStore } from '../../src/cli/open-store.js';
import { createProgress } from '../../src/cli/progress.js';
import { Keyring } from '../../src/core/keyring.js';
import { keysFromEnv } from '../../src/core/keys-from-env.js';
import { enrollTotp, makeTwoFactor, testKey } from '../helpers/harness.js';
import { failOnLostNotices } from '../helpers/notice-warnings.js';
import { runCli } from './run-cli.js';

failOnLostNotices();
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

describe('npx factorkit keys and rekey', () => {
  const A = testKey('cli A');
  const B = testKey('cli B');

  async function storeUnderA(name: string) {
    const path = join(dir, `${name}.db`);
    const opened = await openStore(`sqlite:${path}`, { create: true });
    const h = makeTwoFactor(opened.store, { keys: A });
    for (const userId of ['ana', 'ben', 'cy']) await enrollTotp(h, userId);
    await h.tf.notices.settled(); // "a method was added", sent in the background
    await opened.close();
    return `sqlite:${path}`;
  }

  it('keys counts records per key id; --check exits 4 until rekey has moved them; rekey prints lines off a terminal', async () => {
    const store = await storeUnderA('rotate');
    const env = { FACTORKIT_KEY: B, FACTORKIT_OLD_KEYS: A };
    const before = await runCli(['keys', '--store', store], { env });
    expect(before.code).toBe(EXIT.ok);
    expect(before.stdout).toMatch(/older\s+6\s+6\s+backup-codes 3, totp 3/);
    expect(before.stdout).toContain('run `npx factorkit rekey`');
    expect((await runCli(['keys', '--store', store, '--check'], { env })).code).toBe(EXIT.check);
    const rekey = await runCli(['rekey', '--store', store, '--page-size', '2'], { env });
    expect(rekey.code).toBe(EXIT.ok);
    expect(rekey.stdout).toContain('Rewritten under key');
    expect(rekey.stdout).toContain('6 records');
    expect(rekey.stderr).toMatch(/6 records in 0:0\d/);
    expect(rekey.stderr).not.toContain('\r');
    const after = await runCli(['keys', '--store', store, '--check', '--json'], { env });
    expect(after.code).toBe(EXIT.ok);
    const inventory = JSON.parse(after.stdout) as { keys: Array<{ status: string; lasting: number }> };
    expect(inventory.keys.find((key) => key.status === 'older')?.lasting).toBe(0);
    // Secrets never printed: neither key, in any output.
    for (const output of [before, rekey, after]) {
      expect(output.stdout + output.stderr).not.toContain(A);
      expect(output.stdout + output.stderr).not.toContain(B);
    }
  });

  it('rekey stopped by Ctrl-C exits 130 and says how to go on; the next run finishes', async () => {
    const store = await storeUnderA('stopped');
    const env = { FACTORKIT_KEY: B, FACTORKIT_OLD_KEYS: A };
    const stop = new AbortController();
    stop.abort();
    const stopped = await runCli(['rekey', '--store', store], { env, signal: stop.signal });
    expect(stopped.code).toBe(EXIT.interrupted);
    expect(stopped.stderr).toContain('run the same command again');
    const done = await runCli(['rekey', '--store', store], { env });
    expect(done.code).toBe(EXIT.ok);
    expect(done.stdout).toContain('No record needs the older keys');
  });

  it('without FACTORKIT_KEY, with a weak one or without --store: exit 3, 3 and 2, saying what to do', async () => {
    const store = await storeUnderA('config');
    const unset = await runCli(['rekey', '--store', store]);
    expect(unset).toMatchObject({
      code: EXIT.config,
      stderr: expect.stringMatching(/FACTORKIT_KEY is not set/),
    });
    const weak = await runCli(['keys', '--store', store], { env: { FACTORKIT_KEY: 'z'.repeat(64) } });
    expect(weak).toMatchObject({ code: EXIT.config, stderr: expect.stringMatching(/npx factorkit keygen/) });
    expect((await runCli(['keys'], { env: { FACTORKIT_KEY: B } })).code).toBe(EXIT.usage);
    expect(
      (await runCli(['keys', '--store', `sqlite:${join(dir, 'none.db')}`], { env: { FACTORKIT_KEY: B } }))
        .code,
    ).toBe(EXIT.config);
  });

  it('the progress bar redraws in place on a terminal, with the rate and the time left', () => {
    const p = progressOn({ columns: 100 }, 1000, 'records');
    p.clock = 2000;
    p.progress.tick(500);
    expect(p.err.startsWith('\r\x1b[K')).toBe(true);
    expect(p.err).toMatch(/\[#+-+\] {2}50% 500\/1,000 records, 250 records\/s ETA 0:02$/);
    p.clock = 4000;
    p.progress.tick(500);
    p.progress.end();
    expect(p.err).toContain('100% 1,000/1,000');
    expect(p.err.endsWith('\n1,000 records in 0:04 (250 records/s)\n')).toBe(true);
  });
});

/** A progress writing to a string, on a clock the test moves (`clock`, in ms). */
function progressOn(tty: CliIo['tty'], total: number, unit: string) {
  const state = { clock: 0, err: '' };
  const write = (text: string) => {
    state.err += text;
  };
  const progress = createProgress({ err: write, tty } as unknown as CliIo, {
    total,
    unit,
    now: () => state.clock,
  });
  return Object.assign(state, { progress });
}

describe('progress after a resume', () => {
  it('counts what an earlier run did in the bar, not in the rate nor the time left', () => {
    const p = progressOn(null, 60_000, 'users');
    p.progress.pass(14_000);
    p.clock = 2000;
    p.progress.tick(1000);
    p.progress.end();
    const err = p.err;
    expect(err).toMatch(/^25% 15,000\/60,000 users, 500 users\/s ETA 1:30$/m);
    expect(err.endsWith('\n1,000 users in 0:02 (500 users/s)\n')).toBe(true);
  });
});

describe('npx factorkit keys: what no key holds', () => {
  it('the table says which records are under no key (imported bcrypt hashes), apart from the key ids', () => {
    const inventory = {
      current: 'AAAAAAAA',
      keys: [{ keyId: 'AAAAAAAA', status: 'current' as const, records: 2, kinds: { totp: 2 }, lasting: 2 }],
      unkeyed: { 'backup-codes-bcrypt': 1 },
    };
    expect(keyTable(inventory)).toMatch(
      /AAAAAAAA\s+current\s+2\s+2\s+totp 2\n\nUnder no key: backup-codes-bcrypt 1 records/,
    );
    expect(keyTable({ ...inventory, unkeyed: {} })).not.toContain('Under no key');
  });
});

describe("the resume journal's digest set", () => {
  it('finds each digest added, once, across growth and probing; counts what was never taken', () => {
    const set = new DigestSet();
    const digests = Array.from({ length: 5000 }, () => randomBytes(DIGEST_BYTES));
    // Digests alike in the word that picks the slot: found by the words after it.
    for (const digest of digests.slice(0, 50)) digests[0]!.copy(digest, 0, 0, 4);
    for (const [i, digest] of digests.entries()) set.add(digest, (i % 3) + 1);
    set.add(digests[0]!, 3); // already in: keeps its value
    expect(set.size).toBe(5000);
    for (const [i, digest] of digests.slice(0, 4000).entries()) expect(set.take(digest)).toBe((i % 3) + 1);
    expect(set.take(digests[0]!)).toBe(0); // taken once only
    expect(set.take(randomBytes(DIGEST_BYTES))).toBe(0);
    expect(set.untaken()).toBe(1000);
  });
});
