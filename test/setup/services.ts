import type { TestProject } from 'vitest/node';
import { startRedisCluster } from '../helpers/redis-cluster.js';
import { servicesRequired, startPostgres, startRedis } from '../helpers/servers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisPort: number | null;
    /** Every node (3 masters, 3 replicas) of a Redis Cluster on 127.0.0.1. */
    redisClusterPorts: number[] | null;
    postgresPort: number | null;
  }
}

function missing(what: string): void {
  const message = `${what} is not installed: its suites are SKIPPED. Install it (see .ci/run) to run them.`;
  if (servicesRequired) throw new Error(`[factorkit tests] FACTORKIT_REQUIRE_SERVICES=1 but ${message}`);
  console.warn(`\n${'!'.repeat(80)}\n[factorkit tests] ${message}\n${'!'.repeat(80)}\n`);
}

/** Starts a real Redis, a real Redis Cluster and a real PostgreSQL for the whole run, when their binaries exist. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [redisStart, clusterStart, postgresStart] = await Promise.allSettled([
    startRedis(),
    startRedisCluster(),
    startPostgres(),
  ]);
  const value = <T>(result: PromiseSettledResult<T | null>) =>
    result.status === 'fulfilled' ? result.value : null;
  const [redis, cluster, postgres] = [value(redisStart), value(clusterStart), value(postgresStart)];
  const stop = async () => {
    await Promise.all([redis?.stop(), cluster?.stop(), postgres?.destroy()]);
  };
  const failure = [redisStart, clusterStart, postgresStart].find((result) => result.status === 'rejected');
  if (failure) {
    // An installed server that does not start is a failure, and must not leave the others running.
    await stop();
    throw failure.reason;
  }
  if (!redis) missing('redis-server');
  if (!cluster) missing('redis-server or redis-cli (Redis Cluster)');
  if (!postgres) missing('PostgreSQL (initdb, pg_ctl)');
  project.provide('redisPort', redis?.port ?? null);
  project.provide('redisClusterPorts', cluster?.nodes.map((node) => node.port) ?? null);
  project.provide('postgresPort', postgres?.port ?? null);
  return stop;
}
