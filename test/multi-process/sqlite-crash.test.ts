import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';

const dir = mkdtempSync(join(tmpdir(), 'factorkit-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Starts the child on `filename`, lets it acknowledge at least `minAcks` commits, then SIGKILLs it at
 * a random instant (most of its time is spent inside a commit). Returns the last acknowledged n.
 */
function commitThenKill(
  filename: string,
  prefix: string,
  synchronous: string,
  minAcks: number,
): Promise<number> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      new URL('./sqlite-crash-child.ts', import.meta.url).pathname,
      filename,
      prefix,
      synchronous,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let acked = -1;
  let pending = '';
  let killTimer: NodeJS.Timeout | undefined;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) acked = Math.max(acked, Number(line));
    if (acked + 1 >= minAcks && !killTimer)
      killTimer = setTimeout(() => child.kill('SIGKILL'), Math.random() * 30);
  });
  const deadline = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve, reject) => {
    // 'close' fires once stdout is drained too, so every number printed before the kill is counted.
    child.on('close', (_code, signal) => {
      clearTimeout(deadline);
      if (signal !== 'SIGKILL' || acked + 1 < minAcks)
        reject(new Error(`child ended (${signal}) after ${acked + 1} commits`));
      else resolve(acked);
    });
  });
}

describe('SQLite: a process killed mid-commit', () => {
  for (const synchronous of ['NORMAL', 'FULL'] as const) {
    it(`loses no acknowledged commit and leaves a sound file (synchronous=${synchronous})`, async () => {
      const filename = join(dir, `crash-${synchronous}.sqlite`);
      const setup = new SqliteStore({ filename });
      setup.createSchema();
      setup.close();
      const now = Date.now();
      for (const round of [1, 2, 3]) {
        const prefix = `r${round}`;
        const acked = await commitThenKill(filename, prefix, synchronous, 150);

        const check = new Database(filename);
        expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
        check.close();
        const store = new SqliteStore({ filename });
        const keys = Array.from({ length: acked + 1 }, (_, n) => `${prefix}:ack:${n}`);
        const records = await store.getMany(keys, now);
        expect(records.filter((record) => record === null)).toHaveLength(0);
        // Each commit wrote an ack row and moved the counter: a torn commit would break the match.
        const counter = Number((await store.get(`${prefix}:counter`, now))?.fields['n']);
        expect(counter).toBeGreaterThanOrEqual(acked);
        expect(await store.get(`${prefix}:ack:${counter}`, now)).not.toBeNull();
        expect(await store.get(`${prefix}:ack:${counter + 1}`, now)).toBeNull();
        // And the store works.
        expect(
          (
            await store.commit(
              [{ type: 'put', key: `${prefix}:after`, fields: { ok: '1' }, expiresAt: null }],
              now,
            )
          ).ok,
        ).toBe(true);
        expect((await store.get(`${prefix}:after`, now))?.fields).toEqual({ ok: '1' });
        store.close();
      }
    }, 90_000);
  }
});
