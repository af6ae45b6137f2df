import type { Cluster, Redis } from 'ioredis';
import { FactorkitError } from '../../core/errors.js';
import { LAYOUT_VERSION, layout1KeysOfTag, migrateUserOps, tagOfLayout1Key } from '../../store/layout.js';
import type { CommitResult, StoredRecord, StoreOp } from '../../store/store.js';

/** Keys a SCAN call looks at on a node. */
const SCAN_COUNT = 1000;

/** The key that records the data layout under `prefix`. */
const layoutKey = (prefix: string): string => `${prefix}layout`;

/** Runs one Redis call under the store's deadline and failure rules. */
export type BoundedRun = <T>(what: string, run: () => Promise<T>) => Promise<T>;

/** What the layout check and the migration use of the store. */
export interface LayoutIo {
  client: Redis | Cluster;
  prefix: string;
  bounded: BoundedRun;
  /** The store's read and commit, without the layout check. */
  getMany(keys: readonly string[], now: number): Promise<Array<StoredRecord | null>>;
  commit(ops: readonly StoreOp[], now: number): Promise<CommitResult>;
}

/** Refuses every layout but this factorkit's, naming the fix. */
function judgeLayout(found: string, prefix: string): void {
  if (found === String(LAYOUT_VERSION)) return;
  const version = Number(found);
  const older = Number.isInteger(version) && version >= 1 && version < LAYOUT_VERSION;
  const newer = Number.isInteger(version) && version > LAYOUT_VERSION;
  const fix = older
    ? 'run `await store.migrate()`'
    : newer
      ? 'this factorkit is older than the data: upgrade it'
      : `no factorkit writes that: check the key ${layoutKey(prefix)}`;
  throw new FactorkitError(
    'CONFIG',
    `[redis] the data under prefix "${prefix}" has layout ${found}${version === 1 ? ' (factorkit 0.1)' : ''} and this factorkit needs layout ${LAYOUT_VERSION}: ${fix}`,
    { field: 'prefix' },
  );
}

/**
 * Calls `visit` with the tags of the layout-1 keys in each SCAN page of every master (a page may
 * repeat a tag of an earlier one), until the scans end or `visit` returns false.
 */
async function scanLayout1Tags(
  { client, prefix, bounded }: LayoutIo,
  visit: (tags: string[]) => Promise<boolean>,
): Promise<void> {
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}{*}:*`;
  let masters: Redis[] = [client as Redis];
  if (client.isCluster) {
    // The masters are known once the cluster is ready; a first command waits for that.
    await bounded('layout check', () => (client as Cluster).ping());
    masters = (client as Cluster).nodes('master');
  }
  let stopped = false;
  await Promise.all(
    masters.map(async (node) => {
      let cursor = '0';
      do {
        const [next, keys] = await bounded('layout scan', () =>
          node.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT),
        );
        cursor = next;
        const tags = new Set<string>();
        for (const key of keys) {
          const tag = tagOfLayout1Key(key.slice(prefix.length));
          if (tag !== null) tags.add(tag);
        }
        if (tags.size > 0 && !stopped && !(await visit([...tags]))) stopped = true;
      } while (cursor !== '0' && !stopped);
    }),
  );
}

/**
 * Reads the layout under the prefix, and refuses any but this factorkit's (`CONFIG`). With no layout
 * key, layout-1 keys mean factorkit 0.1 data (refused: migrate it); none mean a fresh deployment,
 * which gets this layout.
 */
export async function checkLayout(io: LayoutIo): Promise<void> {
  const { client, bounded } = io;
  const key = layoutKey(io.prefix);
  let found = await bounded('layout check', () => client.get(key));
  if (found === null) {
    let layout1 = false;
    await scanLayout1Tags(io, async () => {
      layout1 = true;
      return false;
    });
    if (layout1) found = '1';
    else if ((await bounded('layout check', () => client.set(key, String(LAYOUT_VERSION), 'NX'))) === 'OK')
      return;
    else found = (await bounded('layout check', () => client.get(key))) ?? 'none';
  }
  judgeLayout(found, io.prefix);
}

/**
 * Moves every layout-1 user into layout 2, one atomic commit per user, then records the layout.
 * Resumable: a moved user has no layout-1 keys left, so a run that stopped part way moves the rest,
 * and a second run moves nothing. Counts the users that had a live layout-1 record.
 */
export async function migrateToCurrentLayout(io: LayoutIo, now: number): Promise<{ users: number }> {
  const { client, bounded } = io;
  const found = await bounded('migration', () => client.get(layoutKey(io.prefix)));
  // A newer or unknown layout is not ours to rewrite.
  if (found !== null && found !== '1') judgeLayout(found, io.prefix);
  let users = 0;
  await scanLayout1Tags(io, async (tags) => {
    const moved = await Promise.all(
      tags.map(async (tag) => {
        const records = await io.getMany(layout1KeysOfTag(tag), now);
        const done = await io.commit(migrateUserOps(tag, records, now), now);
        if (!done.ok)
          throw new FactorkitError('BUG', `[redis] migrating user tag ${tag} was refused: ${done.reason}`);
        return records.some((record) => record !== null);
      }),
    );
    users += moved.filter(Boolean).length;
    return true;
  });
  await bounded('migration', () => client.set(layoutKey(io.prefix), String(LAYOUT_VERSION)));
  return { users };
}
