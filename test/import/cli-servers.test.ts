import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { runCli } from '../cli/run-cli.js';
import {
  ENV,
  expectSignIns,
  importStoppedAtRefusal,
  keysFile,
  serverStores,
  tempFolder,
} from './cli-support.js';

const dir = tempFolder('import-servers');

/** Each server store's URL for a test of its own (a fresh prefix or table). */
const servers = serverStores('imp');

for (const server of servers) {
  describe.skipIf(server.skip)(`npx factorkit import --store ${server.name}`, () => {
    it('imports every line into the server store (a PostgreSQL table made on the way); again, each is already imported', async () => {
      const { path, secrets } = keysFile(dir, `once-${server.name.slice(0, 5)}.jsonl`, 20, 7);
      const url = server.url();
      const run = await runCli(['import', '--from', 'jsonl', path, '--store', url], { env: ENV });
      expect(run.code).toBe(EXIT.failed);
      expect(run.stdout).toContain(
        'imported: 19\nreplaced: 0\nalready imported: 0\nskipped (enrolled or changed in factorkit): 0\nrefused: 1\n',
      );
      expect(run.stderr).toContain('line 7 (user u-6): refused');
      for (const secret of secrets) expect(run.stdout + run.stderr).not.toContain(secret);
      await expectSignIns(url, secrets, [0, 7, 19]);
      const again = await runCli(['import', '--from', 'jsonl', path, '--store', url], { env: ENV });
      expect(again.stdout).toContain('imported: 0\nreplaced: 0\nalready imported: 19\n');
    }, 60_000);

    it('Ctrl-C mid-way loses nothing; the same command goes on and imports nothing twice', async () => {
      const { path, secrets } = keysFile(dir, `resume-${server.name.slice(0, 5)}.jsonl`, 400, 40);
      const url = server.url();
      // A journal of its own (not the working folder's, which other files' tests check is empty).
      const journal = join(dir, `journal-${randomUUID()}.jsonl`);
      const args = ['import', '--from', 'jsonl', path, '--store', url, '--journal', journal];
      // The refusal on line 40 is the moment to press Ctrl-C.
      const imported = await importStoppedAtRefusal([...args, '--concurrency', '4']);
      expect(imported).toBeGreaterThanOrEqual(39);
      expect(imported).toBeLessThan(300);
      expect(existsSync(journal)).toBe(true);

      const second = await runCli(args, { env: ENV });
      expect(second.code).toBe(EXIT.failed); // the refusal of line 40, from the first run
      expect(second.stderr).toMatch(/resuming: \d+ records were done by an earlier run/);
      expect(second.stdout).toContain(
        'imported: 399\nreplaced: 0\nalready imported: 0\nskipped (enrolled or changed in factorkit): 0\nrefused: 1\n',
      );
      expect(existsSync(journal)).toBe(false);
      await expectSignIns(url, secrets, [0, 38, 40, 399]);
    }, 60_000);
  });
}
