import type { Cluster, Redis } from 'ioredis';
import { FactorkitError } from '../../core/errors.js';

/** A node's address, for messages. */
function nodeName(node: Redis): string {
  if (node.options.path) return node.options.path;
  return `${node.options.host ?? 'localhost'}:${node.options.port ?? 6379}`;
}

/** Where the client connects: its server, or the cluster's nodes as far as known. */
export function clientAddress(client: Redis | Cluster): string {
  if (!client.isCluster) return nodeName(client as Redis);
  const nodes = (client as Cluster).nodes().map(nodeName);
  return nodes.length > 0 ? `the cluster of ${nodes.join(', ')}` : 'any node of the cluster';
}

/** The ioredis errors that carry a server's answer (as opposed to a lost connection or a timeout). */
export function isReplyError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError';
}

/**
 * Reads `maxmemory-policy` on `client`, or on every master of a cluster. A node that refuses
 * `CONFIG GET` (managed services rename or forbid it) gives its answer as `refusal` instead.
 */
export async function evictionPolicies(
  client: Redis | Cluster,
): Promise<Array<{ node: string; policy: string } | { node: string; refusal: string }>> {
  let nodes: Redis[];
  if (client.isCluster) {
    const cluster = client as Cluster;
    // The masters are known once the cluster is ready; a first command waits for that.
    await cluster.ping();
    nodes = cluster.nodes('master');
  } else nodes = [client as Redis];
  return Promise.all(
    nodes.map(async (node) => {
      try {
        const [, policy] = (await node.config('GET', 'maxmemory-policy')) as string[];
        if (policy !== undefined) return { node: nodeName(node), policy };
        return { node: nodeName(node), refusal: 'no such setting' };
      } catch (error) {
        if (isReplyError(error)) return { node: nodeName(node), refusal: (error as Error).message };
        throw error;
      }
    }),
  );
}

/**
 * Refuses an evicting server: `allkeys-*` may evict any key, and an evicted TOTP or email record
 * un-enrols its user. Nodes that refuse `CONFIG GET` earn one warning.
 */
export function judgeEvictionPolicies(
  policies: Awaited<ReturnType<typeof evictionPolicies>>,
  allowEvictingPolicy: boolean,
): void {
  for (const read of policies) {
    if ('policy' in read && read.policy.startsWith('allkeys-') && !allowEvictingPolicy)
      throw new FactorkitError(
        'CONFIG',
        `[redis] maxmemory-policy is ${read.policy} on ${read.node}: Redis may evict any key, and an evicted TOTP or email record un-enrols its user; set noeviction (or pass allowEvictingPolicy: true)`,
        { field: 'allowEvictingPolicy' },
      );
  }
  const refused = policies.flatMap((read) => ('refusal' in read ? `${read.node} (${read.refusal})` : []));
  if (refused.length > 0)
    process.emitWarning(
      `[factorkit] [redis] CONFIG GET maxmemory-policy is not permitted on ${refused.join(', ')}: make sure the policy is noeviction, since an allkeys-* policy evicts enrolments`,
    );
}

/**
 * What a failed Redis call means: a script error or a wrong-type key is a bug (`BUG`); anything
 * else (a lost connection, `LOADING`, `READONLY`, `CLUSTERDOWN`, `OOM` under `noeviction`, ...) is
 * an outage.
 */
export function classifyRedisFailure(error: unknown): 'unavailable' | FactorkitError {
  if (!isReplyError(error)) return 'unavailable';
  const message = (error as Error).message;
  if (/^(ERR (user_script|Error running script|unknown command)|WRONGTYPE)/.test(message))
    return new FactorkitError('BUG', `[redis] ${message}`, { cause: error });
  return 'unavailable';
}
