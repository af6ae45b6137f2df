import type { Cluster, Redis } from 'ioredis';
import { FactorkitError } from '../../core/errors.js';
import type { ScanPage } from '../../store/store.js';

/** The nodes a scan walks: the server, or every master of a cluster in a fixed order (by address). */
function scanNodes(client: Redis | Cluster): Redis[] {
  if (!client.isCluster) return [client as Redis];
  const address = (node: Redis) => `${node.options.host}:${node.options.port}`;
  return (client as Cluster).nodes('master').sort((a, b) => (address(a) < address(b) ? -1 : 1));
}

/**
 * One page of a scan of the keys under `prefix`: Redis SCAN on one node at a time (each master of
 * a cluster in turn), the cursor being `<node>:<SCAN cursor>`. SCAN's own guarantee carries over:
 * every key present for the whole scan comes at least once, some may come twice. A cluster whose
 * masters changed between two pages may be walked unevenly: the scan is for maintenance that a
 * second run completes (rekey, usage), never for a decision that must see everything.
 */
export async function scanKeys(
  client: Redis | Cluster,
  prefix: string,
  cursor: string,
  limit: number,
): Promise<ScanPage> {
  const found = /^(\d+):(\d+)$/.exec(cursor || '0:0');
  if (!found) throw new FactorkitError('INVALID_INPUT', `[redis] "${cursor}" is not a scan cursor`);
  const nodes = scanNodes(client);
  const index = Number(found[1]);
  const node = nodes[index];
  if (!node) return { keys: [], cursor: '' };
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  const [next, keys] = await node.scan(found[2]!, 'MATCH', pattern, 'COUNT', Math.max(1, limit));
  const layout = `${prefix}layout`;
  return {
    keys: keys.filter((key) => key !== layout).map((key) => key.slice(prefix.length)),
    cursor: next !== '0' ? `${index}:${next}` : index + 1 < nodes.length ? `${index + 1}:0` : '',
  };
}
