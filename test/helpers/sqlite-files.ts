import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/**
 * SQLite files in a scratch folder of the calling test file: `freshFile()` names a new one, and
 * `closeLater(close)` registers a connection to close; after the file's tests, every connection is
 * closed and the folder removed.
 */
export function sqliteScratch(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), `factorkit-${prefix}-`));
  const closers: Array<() => void> = [];
  afterAll(() => {
    for (const close of closers) close();
    rmSync(dir, { recursive: true, force: true });
  });
  let files = 0;
  return {
    freshFile: () => join(dir, `store-${++files}.sqlite`),
    closeLater: (close: () => void) => {
      closers.push(close);
    },
  };
}
