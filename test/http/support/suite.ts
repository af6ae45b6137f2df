import { afterEach, beforeEach, describe, expect } from 'vitest';
import { methodsOf } from '../../../src/app/facade-methods.js';
import { routeTable } from '../../../src/http/routes/index.js';
import { methodModules } from '../../../src/methods/registry.js';
import type { Store } from '../../../src/store/store.js';
import { type Harness, makeTwoFactor } from '../../helpers/harness.js';
import { storesUnderTest } from '../../helpers/stores.js';
import { TestClient } from './client.js';
import { hostApps } from './host-list.js';
import type { HostOptions, TestHost } from './hosts.js';
import { undocumented, undocumentedIn } from './openapi-check.js';

type Overrides = Parameters<typeof makeTwoFactor>[1];
/** The facade's options, or a function of the fresh store making them (to wrap the store). */
type FacadeOverrides = Overrides | ((store: Store) => Overrides);

/**
 * The HTTP conformance suites run for every adapter (Express, Fastify, Hono) on MemoryStore and on
 * a real Redis: `forEachHost((ctx) => { it(...) })`. Every answer of the 2FA endpoints is checked
 * against the OpenAPI document of the facade's route table (a host's own methods included).
 */
export interface HostContext {
  h: Harness;
  store: Store;
  host: TestHost;
  errors: unknown[];
  /** A new browser (cookie jar) on the host. */
  browser(): TestClient;
  /** Restarts the host with other options, on a fresh store and facade. */
  restart(options: HostOptions, overrides?: FacadeOverrides): Promise<void>;
  /** Password then TOTP code (optionally trusting the browser); the clock moves past the step. */
  signIn(client: TestClient, userId: string, secret: string, remember?: boolean): Promise<void>;
  code(secret: string): string;
}

const builtIn = methodModules;
const audits = new WeakMap<object, ReturnType<typeof undocumentedIn>>();
/** The OpenAPI check of a facade's route table: the committed document's, unless it has methods of its own. */
function auditOf(tf: Harness['tf']) {
  const { modules } = methodsOf(tf);
  if (modules.length === builtIn.length && modules.every((m, i) => m === builtIn[i])) return undocumented;
  const audit = audits.get(modules) ?? undocumentedIn(routeTable(modules));
  audits.set(modules, audit);
  return audit;
}

export function forEachHost(
  register: (ctx: HostContext, names: { host: string; store: string }) => void,
  policy: Overrides = {},
): void {
  const stores = storesUnderTest().filter((s) => s.name === 'memory' || s.name === 'redis');
  for (const app of hostApps) {
    for (const store of stores) {
      const ctx = {} as HostContext;
      const clients: TestClient[] = [];
      const setUp = async (options: HostOptions, overrides: FacadeOverrides) => {
        ctx.store = await store.make();
        const own = typeof overrides === 'function' ? overrides(ctx.store) : overrides;
        ctx.h = makeTwoFactor(ctx.store, { ...policy, ...own });
        ctx.errors = [];
        ctx.host = await app.start(ctx.h, { errors: ctx.errors, ...options });
      };
      Object.assign(ctx, {
        browser: () => {
          const client = new TestClient(ctx.host.base, auditOf(ctx.h.tf));
          clients.push(client);
          return client;
        },
        restart: async (options: HostOptions, overrides: FacadeOverrides = {}) => {
          await ctx.host.close();
          await setUp(options, overrides);
        },
        code: (secret: string) => ctx.h.totp.generateCode(secret, ctx.h.clock.now()),
        signIn: async (client: TestClient, userId: string, secret: string, remember = false) => {
          expect((await client.call('POST', `/password/${userId}`, {})).json['status']).toBe('challenge');
          const verified = await client.call('POST', '/2fa/login/verify', {
            code: ctx.code(secret),
            rememberDevice: remember,
          });
          expect(verified.status).toBe(200);
          ctx.h.clock.advance(30_000);
        },
      });
      describe.skipIf(store.skip)(`${app.name} on ${store.name}`, () => {
        beforeEach(() => setUp({}, {}));
        afterEach(async () => {
          await ctx.host.close();
          const problems = clients.splice(0).flatMap((client) => client.problems);
          expect(problems, 'answers the OpenAPI document does not describe').toEqual([]);
        });
        register(ctx, { host: app.name, store: store.name });
      });
    }
  }
}
