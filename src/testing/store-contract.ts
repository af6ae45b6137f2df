import type * as Vitest from 'vitest';
import { FactorkitError } from '../core/errors.js';
import { commitEachCases } from './contract-commit-each.js';
import { commitCases } from './contract-commits.js';
import { concurrencyCases } from './contract-concurrency.js';
import { policyCases } from './contract-policies.js';
import { recordCases } from './contract-records.js';
import { scanCases } from './contract-scan.js';
import type { ContractTools, StoreFactory } from './contract-tools.js';

/** Options of {@link storeContract}. */
export interface StoreContractOptions {
  /** The test framework (`import * as vitest from 'vitest'`); default: vitest's globals. */
  vitest?: Pick<typeof Vitest, 'describe' | 'it' | 'expect'>;
  /** Skip the suite (a server that is not installed, say); reported as skipped. */
  skip?: boolean;
}

/** The test functions from `options.vitest`, or vitest's globals. */
export function toolsFrom(options: StoreContractOptions): ContractTools {
  const source = (options.vitest ?? globalThis) as Partial<ContractTools>;
  if (!source.describe || !source.it || !source.expect) {
    throw new FactorkitError(
      'CONFIG',
      "[testing] pass { vitest } (import * as vitest from 'vitest') or enable vitest's globals",
      { field: 'vitest' },
    );
  }
  return source as ContractTools;
}

/**
 * The store conformance suite: every store factorkit ships passes it, and a store of your own
 * proves itself with it. It checks each op's semantics and refusals, expiry to the millisecond
 * against the caller's clock, all-or-nothing commits, same-step reads, single use and attempt
 * limits under concurrency, the policy records (platform and per org), the optional `getAcross`, `commitEach` and
 * `scan` (skipped for a store without them). Call it in a test file; `makeStore` gives a fresh, empty store per test.
 *
 * @example
 * import * as vitest from 'vitest';
 * import { storeContract } from 'factorkit/testing';
 * storeContract('my-store', async () => new MyStore({ namespace: crypto.randomUUID() }), { vitest });
 */
export function storeContract(
  name: string,
  makeStore: StoreFactory,
  options: StoreContractOptions = {},
): void {
  const tools = toolsFrom(options);
  tools.describe.skipIf(options.skip === true)(`store contract: ${name}`, () => {
    recordCases(tools, makeStore);
    commitCases(tools, makeStore);
    commitEachCases(tools, makeStore);
    concurrencyCases(tools, makeStore);
    policyCases(tools, makeStore);
    scanCases(tools, makeStore);
  });
}
