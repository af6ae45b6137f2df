import type { PoolClient } from 'pg';
import { assertDistinctKeys } from '../../store/apply-ops.js';
import type { CommitResult, StoreOp } from '../../store/store.js';
import { schemaNames } from './postgres-names.js';
import { type CommitReply, decodeReply, encodeOp, lockOrder } from './postgres-ops.js';
import { prepared } from './postgres-statements.js';

/**
 * One statement that calls the commit function once per batch, in order, and answers one reply per
 * batch. Each call is the very commit of `commit` (its locks, its checks, its writes), so a batch
 * is atomic on its own and a refused batch writes nothing (the function answers a refusal before its
 * first write); the statement's transaction holds every batch's locks until it ends.
 */
function commitEachSql(table: string): string {
  const { commit } = schemaNames(table);
  const texts = (field: string) =>
    `ARRAY(SELECT e FROM jsonb_array_elements_text(b.x->'${field}') WITH ORDINALITY AS a(e, n) ORDER BY n)`;
  return `SELECT b.i::int AS i, ${commit}($1::float8, ${texts('k')}, b.x->'o', NULL, ${texts('l')}::int[]) AS r
    FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS b(x, i)`;
}

/**
 * Many users' commits in one round trip (`PostgresStore.commitEach`). Runs on the caller's pooled
 * connection; a whole-statement failure (a sweep, a deadlock) is the caller's to retry: the
 * statement rolled back whole, so running it again is running it once.
 */
export async function queryCommitEach(
  client: PoolClient,
  table: string,
  batches: readonly (readonly StoreOp[])[],
  now: number,
): Promise<CommitResult[]> {
  const encoded = batches.map((ops) => {
    assertDistinctKeys(ops);
    const keys = ops.map((op) => op.key);
    return { k: keys, o: ops.map(encodeOp), l: lockOrder(keys, undefined) };
  });
  const answer = await client.query<{ i: number; r: CommitReply }>(
    prepared(commitEachSql(table), [now, JSON.stringify(encoded)]),
  );
  const results = new Array<CommitResult>(batches.length);
  for (const row of answer.rows) results[row.i - 1] = decodeReply(row.r, undefined);
  return results;
}
