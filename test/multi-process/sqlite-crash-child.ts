/**
 * The process the SQLite crash test kills: commits in a loop and prints `<n>\n` on stdout once
 * commit n has resolved (a pipe write is synchronous on Linux, so a printed number is an
 * acknowledged commit). Each commit writes two rows, `<prefix>:ack:<n>` and the `<prefix>:counter`
 * record, so a torn commit would show as a count mismatch. Stops by itself after 20 s.
 */
import { SqliteStore } from '../../src/stores/sqlite/sqlite-store.js';

const [filename, prefix, synchronous] = process.argv.slice(2) as [string, string, 'NORMAL' | 'FULL'];
const store = new SqliteStore({ filename, synchronous });
const stopAt = Date.now() + 20_000;
const now = Date.now();
for (let n = 0; Date.now() < stopAt; n++) {
  const result = await store.commit(
    [
      {
        type: 'put',
        key: `${prefix}:ack:${n}`,
        fields: { n: String(n), pad: 'x'.repeat(300) },
        expiresAt: null,
      },
      {
        type: 'merge',
        key: `${prefix}:counter`,
        fields: {},
        create: true,
        advance: { field: 'n', value: n },
      },
    ],
    now,
  );
  if (!result.ok) throw new Error(`commit ${n} refused: ${result.reason}`);
  process.stdout.write(`${n}\n`);
}
store.close();
