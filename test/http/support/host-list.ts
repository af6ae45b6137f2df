import type { Harness } from '../../helpers/harness.js';
import { startExpressHost } from './express-host.js';
import { startFastifyHost } from './fastify-host.js';
import { startHonoHost } from './hono-host.js';
import type { HostOptions, TestHost } from './hosts.js';

/** Every adapter's host app: the HTTP conformance suites run against each, on real servers. */
export const hostApps: Array<{
  name: string;
  start: (h: Harness, options?: HostOptions) => Promise<TestHost>;
}> = [
  { name: 'express', start: startExpressHost },
  { name: 'fastify', start: startFastifyHost },
  { name: 'hono', start: startHonoHost },
];
