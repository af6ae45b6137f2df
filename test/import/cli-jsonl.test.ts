import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { runCli } from '../cli/run-cli.js';
import { testPostgresPool } from '../helpers/postgres-pool.js';
import { ENV, facadeOver, importStoppedAtRefusal, signsIn, tempFolder } from './cli-support.js';
import { appCode } from './support.js';

const dir = tempFolder('import-cli');
const { port: postgresPort, pool } = testPostgresPool(1);
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

const journals = () =>
  readdirSync(process.cwd()).filter(
    (name) => name.startsWith('.factorkit-import-') && name.endsWith('.jsonl'),
  );

describe('npx factorkit import --from jsonl', () => {
  it('imports every line; refusals name the line and the field, never a secret; the report and exit code say so', async () => {
    const { path, secrets } = usersFile('users.jsonl', 5, 3);
    const store = join(dir, 'a.db');
    const run = await runCli(['import', '--from', 'jsonl', path, '--store', `sqlite:${store}`], { env: ENV });
    expect(run.code).toBe(EXIT.failed);
    // The report lists each refusal with its reason, as stderr said it when it happened.
    expect(run.stdout).toBe(
      'imported: 4\nreplaced: 0\nalready imported: 0\nskipped (enrolled or changed in factorkit): 0\nrefused: 1\n' +
        '\nrefused and skipped:\n  line 3 (user user-2): refused: totp.secret: must carry 80 to 1024 bits (got 64)\n',
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
    await h.close();

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
    await h.close();
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
    await facadeOver(store, Date.now(), { create: true }).close();
    const run = await runCli(['import', '--from', 'jsonl', path, '--store', `sqlite:${store}`, '--dry-run'], {
      env: ENV,
    });
    expect(run.code).toBe(EXIT.ok);
    expect(run.stdout).toContain('would be imported: 3\n');
    expect(run.stderr).toContain('dry run: nothing was written');
    const h = facadeOver(store);
    expect((await h.tf.status('user-0')).enabled).toBe(false);
    await h.close();
  });

  it("--dry-run into a store that does not exist yet (a new SQLite file) reports as into an empty one, and creates nothing (migration.md's first command)", async () => {
    const { path } = usersFile('dry-new.jsonl', 3, 2);
    const store = join(dir, 'not-yet.db');
    const run = await runCli(['import', '--from', 'jsonl', path, '--store', `sqlite:${store}`, '--dry-run'], {
      env: ENV,
    });
    expect(run.code).toBe(EXIT.failed); // line 2 would be refused
    expect(run.stdout).toContain('would be imported: 2\n');
    expect(run.stdout).toContain('line 2 (user user-1): refused: totp.secret');
    expect(run.stderr).toContain(
      `sqlite:${store} holds no factorkit store yet: checking as into an empty one`,
    );
    expect(existsSync(store)).toBe(false);
    expect(journals()).toEqual([]);
  });

  it.each(['delete', 'wal'])(
    "--dry-run into an app's own SQLite file (journal mode %s, no factorkit table) reports as into an empty store, and leaves the file as it was",
    async (journalMode) => {
      const { path } = usersFile(`dry-app-${journalMode}.jsonl`, 3);
      const store = join(dir, `app-${journalMode}.db`);
      const app = new Database(store);
      app.pragma(`journal_mode = ${journalMode}`);
      app.exec(
        "CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT); INSERT INTO users VALUES ('u1', 'a@example.com')",
      );
      app.close();
      const before = readFileSync(store);
      const mode = statSync(store).mode;
      const run = await runCli(
        ['import', '--from', 'jsonl', path, '--store', `sqlite:${store}`, '--dry-run'],
        {
          env: ENV,
        },
      );
      expect(run.stderr).toContain(
        `sqlite:${store} holds no factorkit store yet: checking as into an empty one`,
      );
      expect(run.code).toBe(EXIT.ok);
      expect(run.stdout).toContain('would be imported: 3\n');
      expect(readFileSync(store).equals(before)).toBe(true);
      expect(statSync(store).mode).toBe(mode);
      // In WAL mode any reader, this one too, opens the -wal and -shm files SQLite keeps beside the
      // database (the app's own readers make them as well): empty of data, the database untouched.
      const beside = readdirSync(dir).filter((name) => name.startsWith(`app-${journalMode}.db-`));
      if (journalMode === 'wal') expect(statSync(`${store}-wal`).size).toBe(0);
      else expect(beside).toEqual([]);
      expect(journals()).toEqual([]);
    },
  );

  it("--dry-run --restart leaves an interrupted run's journal alone (a dry run reads, writes and removes none)", async () => {
    const { path } = usersFile('dry-restart.jsonl', 200, 30);
    const journal = join(dir, 'dry-restart-journal.jsonl');
    const args = ['import', '--from', 'jsonl', path, '--store', `sqlite:${join(dir, 'dry-restart.db')}`];
    const controller = new AbortController();
    await runCli([...args, '--journal', journal, '--workers', '0', '--concurrency', '4'], {
      env: ENV,
      signal: controller.signal,
      onErr: (text) => text.includes('refused') && controller.abort(),
    });
    const before = readFileSync(journal, 'utf8');
    expect(before).not.toBe('');
    const dry = await runCli([...args, '--journal', journal, '--dry-run', '--restart'], { env: ENV });
    expect(dry.stdout).toMatch(/already imported: [1-9]/);
    expect(dry.stderr).not.toContain('resuming');
    expect(readFileSync(journal, 'utf8')).toBe(before);
  });

  it('sqlite: in a folder that does not exist is a configuration error (exit 3), dry run or not', async () => {
    const { path } = usersFile('no-folder.jsonl', 1);
    const store = join(dir, 'no-such-folder', '2fa.db');
    for (const dry of [[], ['--dry-run']]) {
      const run = await runCli(['import', '--from', 'jsonl', path, '--store', `sqlite:${store}`, ...dry], {
        env: ENV,
      });
      expect(run.code).toBe(EXIT.config);
      expect(run.stderr).toContain(`no folder ${join(dir, 'no-such-folder')} for the SQLite file ${store}`);
    }
  });

  it.skipIf(!postgresPort)(
    '--dry-run into a PostgreSQL database without the table reports as into an empty store, and creates nothing',
    async () => {
      const { path } = usersFile('dry-pg.jsonl', 3);
      const table = `dry_${process.pid}`;
      const url = `postgres://postgres@127.0.0.1:${postgresPort}/postgres?table=${table}`;
      const run = await runCli(['import', '--from', 'jsonl', path, '--store', url, '--dry-run'], {
        env: ENV,
      });
      expect(run.stderr).toContain('holds no factorkit store yet');
      expect(run.code).toBe(EXIT.ok);
      expect(run.stdout).toContain('would be imported: 3\n');
      const tables = await pool.query('SELECT tablename FROM pg_catalog.pg_tables WHERE tablename LIKE $1', [
        `${table}%`,
      ]);
      expect(tables.rows).toEqual([]); // neither the table nor its _meta
      const real = await runCli(['import', '--from', 'jsonl', path, '--store', url], { env: ENV });
      expect(real.stdout).toContain('imported: 3\n');
      // Now the table is there: the dry run reads it.
      const again = await runCli(['import', '--from', 'jsonl', path, '--store', url, '--dry-run'], {
        env: ENV,
      });
      expect(again.stderr).not.toContain('holds no factorkit store yet');
      expect(again.stdout).toContain('already imported: 3\n');
    },
  );

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
      // Line 40, refused by the first run, is decided again: the final report lists every refusal.
      const refusal = 'line 40 (user user-39): refused: totp.secret: must carry 80 to 1024 bits (got 64)';
      expect(second.stdout).toBe(
        'imported: 599\nreplaced: 0\nalready imported: 0\nskipped (enrolled or changed in factorkit): 0\nrefused: 1\n' +
          `\nrefused and skipped:\n  ${refusal}\n`,
      );
      expect(second.stderr).toContain(refusal);
      // The rate counts this run's users only, not the ones found done.
      const thisRun = Number(/^([\d,]+) users in /m.exec(second.stderr)?.[1]?.replace(/,/g, ''));
      expect(thisRun).toBe(600 - imported);
      expect(journals()).toEqual([]);
      const h = facadeOver(store);
      for (const i of [0, 41, 599]) expect(await signsIn(h, `user-${i}`, appCode(h, secrets[i]!))).toBe(true);
      await h.close();
      expect(existsSync(store)).toBe(true);
    },
  );
});

describe('npx factorkit import: every field export writes', () => {
  it('a phone line is imported (the run never stops for a user), and export then import brings it back exactly', async () => {
    const key = (extra: object) => ({
      id: 'eJ9hD7HGVCeAgPXKGSUimhHR-LtlOTgAY4c5KG0pMzE',
      publicKey:
        'pQECAyYgASFYIFy6ObuhZ2PlOVqQvFGif3CTf0fLvR2Th9tJzwvfjBBxIlggSg2oHQqx2sw7ZDhN1oMwHxwWHfYkT6hInRjiJQCLsfY=',
      ...extra,
    });
    const users = [
      { userId: 'texted', phone: '+442079460958' },
      { userId: 'keyed', securityKeys: [key({ rpId: 'example.com', origin: 'https://example.com' })] },
      { userId: 'no-rp', securityKeys: [key({})] },
      { userId: 'no-origin', securityKeys: [key({ rpId: 'example.com' })] },
      {
        userId: 'mailed',
        phone: { number: '+14155550123', enabledAt: 1_700_000_000_000 },
        email: 'm@example.com',
      },
    ];
    const path = join(dir, 'fields.jsonl');
    writeFileSync(path, `${users.map((user) => JSON.stringify(user)).join('\n')}\n`);
    const store = join(dir, 'fields.db');
    const run = await runCli(['import', '--from', 'jsonl', path, '--store', `sqlite:${store}`], { env: ENV });
    expect(run.stdout).toContain('imported: 3\n');
    // The facade's option is the CLI's flag: the reason points to it.
    expect(run.stdout).toContain(
      'line 3 (user no-rp): refused: securityKeys.0.rpId: is needed: give it in the source, or pass --rp-id',
    );
    // Failed before: it pointed at createTwoFactor({ webauthn: { origin } }).
    expect(run.stdout).toContain(
      'line 4 (user no-origin): refused: securityKeys.0.origin: is needed: give it in the source, or pass --origin',
    );
    expect(run.code).toBe(EXIT.failed);

    const out = join(dir, 'fields-export.jsonl');
    const ids = join(dir, 'fields-ids.txt');
    writeFileSync(ids, 'texted\nkeyed\nmailed\n');
    await runCli(['export', '--store', `sqlite:${store}`, '--users', ids, '--out', out], { env: ENV });
    const exported = readFileSync(out, 'utf8');
    expect(exported).toContain('"phone":{"number":"+442079460958"');
    const copy = join(dir, 'fields-copy.db');
    const again = await runCli(['import', '--from', 'jsonl', out, '--store', `sqlite:${copy}`], { env: ENV });
    expect(again.code).toBe(EXIT.ok);
    expect(again.stdout).toContain('imported: 3\n');
    const back = join(dir, 'fields-back.jsonl');
    await runCli(['export', '--store', `sqlite:${copy}`, '--users', ids, '--out', back], { env: ENV });
    expect(readFileSync(back, 'utf8')).toBe(exported);
    // Fails before: a listed user with nothing on was left out without a word.
    const some = join(dir, 'fields-some.txt');
    writeFileSync(some, 'texted\nno-rp\nnobody\n');
    const partial = await runCli(
      ['export', '--store', `sqlite:${copy}`, '--users', some, '--out', join(dir, 'fields-some.jsonl')],
      { env: ENV },
    );
    expect(partial.stderr).toContain(
      'exported: 1 users (2 listed users have no method on: nothing to export)',
    );
    const h = facadeOver(copy);
    expect(await h.tf.status('mailed')).toMatchObject({ enabled: true });
    await h.close();
  });
});

describe('npx factorkit import: a resume after the source changed (a live database gains and loses users)', () => {
  it('two lines removed and one added before the point reached: no user skipped, none imported twice', async () => {
    const { path, secrets } = usersFile('changing.jsonl', 600, 40);
    const store = join(dir, 'changing.db');
    const journal = join(dir, 'changing-journal.jsonl');
    const args = ['import', '--from', 'jsonl', path, '--store', `sqlite:${store}`, '--journal', journal];
    const controller = new AbortController();
    const first = await runCli([...args, '--concurrency', '4', '--workers', '0'], {
      env: ENV,
      signal: controller.signal,
      onErr: (text) => {
        if (text.includes('refused')) controller.abort();
      },
    });
    expect(first.code).toBe(EXIT.interrupted);
    const done = Number(/^imported: (\d+)$/m.exec(first.stdout)?.[1]);
    expect(done).toBeGreaterThanOrEqual(39);
    expect(done).toBeLessThan(500);
    // The audit's shape, before the point reached: lines 5 and 21 (user-4, user-20: imported)
    // removed, a new user added at line 10. Every later line moves up by one.
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    const added = JSON.stringify({ userId: 'user-new', totp: { secret: secrets[4] } });
    lines.splice(20, 1);
    lines.splice(4, 1);
    lines.splice(9, 0, added);
    writeFileSync(path, `${lines.join('\n')}\n`);

    const second = await runCli(args, { env: ENV });
    expect(second.code).toBe(EXIT.failed); // line 40 is still refused
    const h = facadeOver(store);
    for (const userId of [...Array.from({ length: 600 }, (_, i) => `user-${i}`), 'user-new'])
      if (userId !== 'user-39') expect((await h.tf.status(userId)).enabled, userId).toBe(true);
    // Every record of the source as it is now: 598 users in (one new), line 39 refused.
    expect(second.stdout).toMatch(/^imported: 598\nreplaced: 0\nalready imported: 0\n/);
    expect(second.stdout).toContain('\n  line 39 (user user-39): refused: totp.secret');
    expect(second.stderr).toContain('2 records an earlier run imported are no longer in the source');
    expect(await signsIn(h, 'user-new', appCode(h, secrets[4]!))).toBe(true);
    expect(await signsIn(h, 'user-40', appCode(h, secrets[40]!))).toBe(true);
    await h.close();
    expect(existsSync(journal)).toBe(false);
  });

  it('the journal names records by a keyed digest: no user id, no secret, no line number', async () => {
    const { path, secrets } = usersFile('journal-content.jsonl', 60, 30);
    const journal = join(dir, 'content-journal.jsonl');
    const controller = new AbortController();
    await runCli(
      [
        ...['import', '--from', 'jsonl', path, '--store', `sqlite:${join(dir, 'content.db')}`],
        ...['--journal', journal, '--workers', '0', '--batch', '4', '--concurrency', '4'],
      ],
      {
        env: ENV,
        signal: controller.signal,
        onErr: (text) => text.includes('refused') && controller.abort(),
      },
    );
    const text = readFileSync(journal, 'utf8');
    expect(text).toMatch(/^(\{"d":"[A-Za-z0-9_-]{16}","o":"imported"\}\n)+$/);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toContain('user-');
  });
});

describe('npx factorkit import: the final report lists refusals and skips', () => {
  it('the first 20 with their reasons, then how many more and the file that holds them all', async () => {
    const lines = Array.from({ length: 30 }, (_, i) =>
      JSON.stringify({ userId: `bad-${i}`, totp: { secret: 'JBSWY3DPEHPK3' } }),
    );
    lines.push(JSON.stringify({ userId: 'good', totp: { secret: SECRET } }));
    const path = join(dir, 'many-refused.jsonl');
    writeFileSync(path, `${lines.join('\n')}\n`);
    const journal = join(dir, 'many-refused-journal.jsonl');
    const args = ['import', '--from', 'jsonl', path, '--store', `sqlite:${join(dir, 'refused.db')}`];
    const run = await runCli([...args, '--journal', journal], { env: ENV });
    expect(run.code).toBe(EXIT.failed);
    const list = join(dir, 'many-refused-journal.refused.txt');
    const reason = 'refused: totp.secret: must carry 80 to 1024 bits (got 64)';
    expect(run.stdout).toContain('imported: 1\n');
    expect(run.stdout).toContain(`\nrefused and skipped:\n  line 1 (user bad-0): ${reason}\n`);
    expect(run.stdout).toContain(`  line 20 (user bad-19): ${reason}\n  and 10 more: all 30 in ${list}\n`);
    expect(run.stdout).not.toContain('line 21 ');
    // On stderr too, the first 20 only: a million refusals do not flood the terminal.
    expect(run.stderr.match(/: refused: /g)).toHaveLength(20);
    expect(run.stderr).toContain(`more refusals and skips: listed in ${list}`);
    const all = readFileSync(list, 'utf8').trim().split('\n');
    expect(all).toHaveLength(30);
    expect(all[29]).toBe(`line 30 (user bad-29): ${reason}`);
    expect(statSync(list).mode & 0o777).toBe(0o600);
  });
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
    await h.close();
  });
});

describe('npx factorkit export onto a terminal', () => {
  const bin = ['--import', 'tsx', 'src/cli/bin.ts'];

  it('refuses while stdout is a terminal, whatever stderr is (exit 2, nothing written)', async () => {
    const { path, secrets } = usersFile('to-screen.jsonl', 1);
    const store = join(dir, 'to-screen.db');
    await runCli(['import', '--from', 'jsonl', path, '--store', `sqlite:${store}`], { env: ENV });
    const run = await runCli(['export', '--store', `sqlite:${store}`], { env: ENV, outTerminal: true });
    expect(run.code).toBe(EXIT.usage);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('the export holds secrets');
    const piped = await runCli(['export', '--store', `sqlite:${store}`], { env: ENV, tty: { columns: 80 } });
    expect(piped.code).toBe(EXIT.ok);
    expect(piped.stdout).toContain(secrets[0]);
  });

  it.skipIf(!existsSync('/usr/bin/script'))(
    'in a real terminal (a pty) with stderr sent away, no secret reaches the screen',
    async () => {
      const { path, secrets } = usersFile('pty.jsonl', 1);
      const store = join(dir, 'pty.db');
      await runCli(['import', '--from', 'jsonl', path, '--store', `sqlite:${store}`], { env: ENV });
      const command = [process.execPath, ...bin, 'export', '--store', `sqlite:${store}`].join(' ');
      const screen = await new Promise<{ code: number | null; text: string }>((done) => {
        // `script` gives the command a pty for stdin, stdout and stderr; `2>/dev/null` takes stderr off it.
        const child = spawn('script', ['-qec', `${command} 2>/dev/null`, '/dev/null'], {
          env: { ...process.env, ...ENV },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let text = '';
        child.stdout.on('data', (chunk: Buffer) => {
          text += chunk.toString();
        });
        child.on('exit', (code) => done({ code, text }));
      });
      expect(screen.text).not.toContain(secrets[0]);
      expect(screen.code).toBe(EXIT.usage);
    },
    30_000,
  );
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
    await h.close();
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
