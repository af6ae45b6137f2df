import { afterAll, beforeAll, describe } from 'vitest';
import { type Harness, makeTwoFactor } from '../../helpers/harness.js';
import { interruptibleStore } from '../../helpers/interruptible-store.js';
import { storesUnderTest } from '../../helpers/stores.js';
import { hostApps } from './host-list.js';
import type { TestHost } from './hosts.js';

/** One adapter's host app on one store, behind an interruptible store (issue 24's session-bound suites). */
export interface BoundHost {
  h: Harness;
  host: TestHost;
  interrupt: ReturnType<typeof interruptibleStore>;
}

/**
 * `suite` on every store and adapter: each describe starts a host app over a fresh store behind
 * {@link interruptibleStore} (security notices off, so none lands mid-operation), read through
 * `bound` once its `beforeAll` has run.
 */
export function describeOnBoundHosts(title: string, suite: (bound: BoundHost) => void): void {
  for (const storeUnderTest of storesUnderTest()) {
    for (const app of hostApps) {
      describe.skipIf(storeUnderTest.skip)(`${title}: ${app.name} on ${storeUnderTest.name}`, () => {
        let started: BoundHost | null = null;
        const current = () => {
          if (!started) throw new Error('the host starts in beforeAll');
          return started;
        };
        beforeAll(async () => {
          const interrupt = interruptibleStore(await storeUnderTest.make());
          const h = makeTwoFactor(interrupt.store, { notify: false });
          started = { h, interrupt, host: await app.start(h) };
        });
        afterAll(() => started?.host.close());
        suite({
          get h() {
            return current().h;
          },
          get host() {
            return current().host;
          },
          get interrupt() {
            return current().interrupt;
          },
        });
      });
    }
  }
}
