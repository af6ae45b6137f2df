import type { TestProject } from 'vitest/node';
import { servicesRequired, startPostgres, startRedis } from '../helpers/servers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisPort: number | null;
    postgresPort: number | null;
  }
}

function missing(what: string): void {
  const message = `${what} is not installed: its suites are SKIPPED. Install it (see .ci/run) to run them.`;
  if (servicesRequired) throw new Error(`[factorkit tests] FACTORKIT_REQUIRE_SERVICES=1 but ${message}`);
  console.warn(`\n${'!'.repeat(80)}\n[factorkit tests] ${message}\n${'!'.repeat(80)}\n`);
}

/** Starts a real Redis and a real PostgreSQL for the whole run, when their binaries exist. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
  if (!redis) missing('redis-server');
  if (!postgres) missing('PostgreSQL (initdb, pg_ctl)');
  project.provide('redisPort', redis?.port ?? null);
  project.provide('postgresPort', postgres?.port ?? null);
  return async () => {
    await Promise.all([redis?.stop(), postgres?.destroy()]);
  };
}
