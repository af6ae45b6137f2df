import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { runCli } from '../cli/run-cli.js';
import { ENV, facadeOver, importStoppedAtRefusal, signsIn, tempFolder } from './cli-support.js';
import { appCode } from './support.js';

const dir = tempFolder('import-cli');
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

/** A JSONL file of `count` users, each with its own key; line `bad` (1-based) has a 64-bit key. */
function usersFile(name: string, count: number, bad?: number): { path: string; secrets: string[] } {
  const secrets = Array.from(
    { length: count },
    (_, i) =>
      `${SECRET.slice(0, 24)}${String(i)
        .padStart(8, 'A')
        .replace(/[0189]/g, 'Q')}`,
  );
  const lines = secrets.map((secret, i) =>
    JSON.stringify({
      userId: `user-${i}`,
      totp: { secret: i + 1 === bad ? 'JBSWY3DPEHPK3' : secret },
      backupCodes: [`code${i}-abcdefg`],
    }),
  );
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return { path, secrets };
}

const journals = () => readdirSync(process.cwd()).filter((name) => name.startsWith('.factorkit-import-'));

describe('npx factorkit import --from jsonl', () => {
  it('imports every line; refusals name the line and the field, never a secret; the report and exit code say so', async () => {
    const { path, secrets } = usersFile('users.jsonl', 5, 3);
    const store = join(dir, 'a.db');
    const run = await runCli(['import', '--from', 'jsonl', path, '--store', `sqlite:${store}`], { env: ENV });
    expect(run.code).toBe(EXIT.failed);
    expect(run.stdout).toBe(
      'imported: 4\nreplaced: 0\nalready imported: 0\nskipped (already enrolled in factorkit): 0\nrefused: 1\n',
    );
    expect(run.stderr).toContain(
      'line 3 (user user-2): refused: totp.secret: must carry 80 to 1024 bits (got 64)',
    );
    for (const secret of [...secrets, 'JBSWY3DPEHPK3', 'code0-abcdefg']) {
      expect(run.stdout + run.stderr).not.toContain(secret);
    }
    expect(journals()).toEqual([]);
    const h = facadeOver(store);
    expect(await signsIn(h, 'user-4', appCode(h, secrets[4]!))).toBe(true);
    h.close();

    const again = await runCli(['import', '--from', 'jsonl', path, '--store', `sqlite:${store}`], {
      env: ENV,
    });
    expect(again.stdout).toContain('imported: 0\n');
    expect(again.stdout).toContain('already imported: 4\n');
  });

  it('--workers: users validated and sealed on worker threads import as on one thread (the same report, refusals and sign-ins)', async () => {
    const { path, secrets } = usersFile('workers.jsonl', 100, 40);
    const args = (store: string, workers: number) => [
      ...['import', '--from', 'jsonl', path, '--store', `sqlite:${join(dir, store)}`],
      ...['--workers', String(workers), '--batch', '8'],
    ];
    const [one, two] = [
      await runCli(args('one.db', 0), { env: ENV }),
      await runCli(args('two.db', 2), { env: ENV }),
    ];
    expect(two.stdout).toBe(one.stdout);
    expect(two.stdout).toContain('imported: 99\n');
    expect(two.stderr).toContain(
      'line 40 (user user-39): refused: totp.secret: must carry 80 to 1024 bits (got 64)',
    );
    expect(two.code).toBe(EXIT.failed);
    const h = facadeOver(join(dir, 'two.db'));
    for (const i of [0, 41, 99]) expect(await signsIn(h, `user-${i}`, appCode(h, secrets[i]!))).toBe(true);
    h.close();
    // Again with workers: each user found as imported (the fingerprint decided on this thread).
    const again = await runCli(args('two.db', 1), { env: ENV });
    expect(again.stdout).toContain('imported: 0\nreplaced: 0\nalready imported: 99\n');
  });

  it('--workers must be a whole number from 0 to 256', async () => {
    const { path } = usersFile('workers-flag.jsonl', 1);
    const run = await runCli(
      ['import', '--from', 'jsonl', path, '--store', `sqlite:${join(dir, 'w.db')}`, '--workers', '1.5'],
      {
        env: ENV,
      },
    );
    expect(run.code).toBe(EXIT.usage);
    expect(run.stderr).toContain('--workers must be a whole number from 0 to 256');
  });

  it('--dry-run validates and reports, and writes nothing', async () => {
    const { path } = usersFile('dry.jsonl', 3);
    const store = join(dir, 'dry.db');
    facadeOver(store, Date.now(), { create: true }).close();
    const run = await runCli(['import', '--from', 'jsonl', path, '--store', `sqlite:${store}`, '--dry-run'], {
      env: ENV,
    });
    expect(run.code).toBe(EXIT.ok);
    expect(run.stdout).toContain('would be imported: 3\n');
    expect(run.stderr).toContain('dry run: nothing was written');
    const h = facadeOver(store);
    expect((await h.tf.status('user-0')).enabled).toBe(false);
    h.close();
  });

  it.each([0, 2])(
    'Ctrl-C stops between users and loses nothing; the same command goes on and imports nothing twice (--workers %i)',
    async (workers) => {
      const { path, secrets } = usersFile(`many-${workers}.jsonl`, 600, 40);
      const store = join(dir, `resume-${workers}.db`);
      const args = [
        'import',
        '--from',
        'jsonl',
        path,
        '--store',
        `sqlite:${store}`,
        '--workers',
        String(workers),
      ];
      // The refusal on line 40 is the moment to press Ctrl-C.
      const imported = await importStoppedAtRefusal([...args, '--concurrency', '4']);
      expect(imported).toBeGreaterThanOrEqual(39);
      expect(imported).toBeLessThan(200);
      expect(journals()).toHaveLength(1);

      const second = await runCli(args, { env: ENV });
      expect(second.stderr).toMatch(/resuming: \d+ records were done by an earlier run/);
      expect(second.stdout).toBe(
        'imported: 599\nreplaced: 0\nalready imported: 0\nskipped (already enrolled in factorkit): 0\nrefused: 1\n',
      );
      // Line 40 was refused (and said) by the first run: done, not tried again.
      expect(second.stderr).not.toContain('refused:');
      expect(journals()).toEqual([]);
      const h = facadeOver(store);
      for (const i of [0, 41, 599]) expect(await signsIn(h, `user-${i}`, appCode(h, secrets[i]!))).toBe(true);
      h.close();
      expect(existsSync(store)).toBe(true);
    },
  );
});

describe('npx factorkit export', () => {
  it('writes the JSONL import reads (0600, never over a file); import into a fresh store signs everyone in', async () => {
    const { path, secrets } = usersFile('to-export.jsonl', 3);
    const source = join(dir, 'export-source.db');
    await runCli(['import', '--from', 'jsonl', path, '--store', `sqlite:${source}`], { env: ENV });
    const ids = join(dir, 'ids.txt');
    writeFileSync(ids, 'user-0\nuser-1\nnobody\nuser-2\n');
    const out = join(dir, 'exported.jsonl');
    const run = await runCli(['export', '--store', `sqlite:${source}`, '--users', ids, '--out', out], {
      env: ENV,
    });
    expect(run.code).toBe(EXIT.ok);
    expect(run.stderr).toContain('exported: 3 users');
    expect(run.stdout + run.stderr).not.toContain(secrets[0]);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const again = await runCli(['export', '--store', `sqlite:${source}`, '--users', ids, '--out', out], {
      env: ENV,
    });
    expect(again.code).toBe(EXIT.usage);
    // Without --users the store lists its users itself (Store.scan).
    const all = join(dir, 'exported-all.jsonl');
    const scanned = await runCli(['export', '--store', `sqlite:${source}`, '--out', all], { env: ENV });
    expect(scanned.code).toBe(EXIT.ok);
    expect(scanned.stderr).toContain('exported: 3 users');
    const lines = readFileSync(all, 'utf8').trim().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { userId: string }).userId).sort()).toEqual([
      'user-0',
      'user-1',
      'user-2',
    ]);

    const dest = join(dir, 'export-dest.db');
    const imported = await runCli(['import', '--from', 'jsonl', out, '--store', `sqlite:${dest}`], {
      env: ENV,
    });
    expect(imported.stdout).toContain('imported: 3\n');
    const h = facadeOver(dest);
    expect(await signsIn(h, 'user-1', 'code1-abcdefg')).toBe(true);
    h.close();
  });
});

describe('npx factorkit import, killed mid-way (a crash: SIGKILL, no chance to clean up)', () => {
  it('loses nothing: the same command goes on, every user is imported once, none twice', async () => {
    const { path, secrets } = usersFile('crash.jsonl', 3000);
    const store = join(dir, 'crash.db');
    const journal = join(dir, 'crash-journal.jsonl');
    const args = ['import', '--from', 'jsonl', path, '--store', `sqlite:${store}`, '--journal', journal];
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', ...args], {
      env: { ...process.env, ...ENV },
      stdio: 'ignore',
    });
    // Killed as soon as a few hundred users are in: somewhere in the middle, between any two writes.
    await new Promise<void>((done, fail) => {
      const timer = setInterval(() => {
        const lines = existsSync(journal) ? readFileSync(journal, 'utf8').split('\n').length : 0;
        if (lines > 300) {
          clearInterval(timer);
          child.kill('SIGKILL');
          done();
        }
      }, 20);
      child.on('exit', () => {
        clearInterval(timer);
        fail(new Error('the import ended before it could be killed'));
      });
    });
    await new Promise((done) => child.once('exit', done));
    const resumed = await runCli(args, { env: ENV });
    expect(resumed.code).toBe(EXIT.ok);
    expect(resumed.stderr).toMatch(/resuming: \d+ records were done by an earlier run/);
    const imported = Number(/^imported: (\d+)$/m.exec(resumed.stdout)?.[1]);
    const already = Number(/^already imported: (\d+)$/m.exec(resumed.stdout)?.[1]);
    // A user whose write landed but whose journal line did not is found already imported: never twice.
    expect(imported + already).toBe(3000);
    expect(already).toBeLessThanOrEqual(16);
    const h = facadeOver(store);
    for (const i of [0, 1500, 2999])
      expect(await signsIn(h, `user-${i}`, appCode(h, secrets[i]!))).toBe(true);
    h.close();
  }, 120_000);
});

describe('npx factorkit import: progress', () => {
  it('a bar with the rate and the time left on a terminal, plain lines otherwise', async () => {
    const { path } = usersFile('progress.jsonl', 20);
    const tty = await runCli(['import', '--from', 'jsonl', path, '--store', `sqlite:${join(dir, 'p1.db')}`], {
      env: ENV,
      tty: { columns: 100 },
    });
    // Each redraw returns to the line's start and clears it (CR, ESC [K) before the bar.
    expect(tty.stderr).toContain('\r\u001b[K[');
    expect(tty.stderr).toMatch(/\[#+\] 100% 20\/20 users, [\d,]+ users\/s ETA 0:00/);
    const plain = await runCli(
      ['import', '--from', 'jsonl', path, '--store', `sqlite:${join(dir, 'p2.db')}`],
      {
        env: ENV,
      },
    );
    expect(plain.stderr).toMatch(/^100% 20\/20 users, [\d,]+ users\/s ETA 0:00$/m);
    expect(plain.stderr).not.toContain('\r');
  });
});
