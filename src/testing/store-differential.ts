import { planCommit } from '../store/apply-ops.js';
import { storeKeys } from '../store/keys.js';
import type { CommitResult, Store, StoredRecord, StoreOp } from '../store/store.js';
import { scanAll } from './contract-scan.js';
import { type ContractTools, type StoreFactory, T0 } from './contract-tools.js';
import {
  type FastCheckApi,
  historyArbitrary,
  KEY_NAMES,
  type NamedCommit,
  type Step,
} from './differential-steps.js';
import { type StoreContractOptions, toolsFrom } from './store-contract.js';

/** Options of {@link storeDifferential}. */
export interface StoreDifferentialOptions extends StoreContractOptions {
  /** fast-check (`import fc from 'fast-check'`). */
  fc: FastCheckApi;
  /** Histories to try (default 100). */
  runs?: number;
  /** Steps per history, at most (default 25). */
  maxSteps?: number;
  /** Replays a failure fast-check reported. */
  seed?: number;
  /** Histories to run before the random ones (a counterexample fast-check printed, say). */
  examples?: Step[][];
}

/** The reference: the contract's semantics (`planCommit`) over a map. */
class ReferenceStore {
  readonly records = new Map<string, StoredRecord>();

  live(key: string, now: number): StoredRecord | null {
    const record = this.records.get(key);
    return record && (record.expiresAt === null || record.expiresAt > now) ? structuredClone(record) : null;
  }

  commit(ops: readonly StoreOp[], now: number, read?: readonly string[]): CommitResult {
    const { result, changes } = planCommit(ops, now, read, (key) => this.live(key, now));
    for (const { key, record } of changes) {
      if (record) this.records.set(key, record);
      else this.records.delete(key);
    }
    return result;
  }

  copy(): ReferenceStore {
    const copy = new ReferenceStore();
    for (const [key, record] of this.records) copy.records.set(key, structuredClone(record));
    return copy;
  }
}

let runs = 0;

/** The orders of `items` (at most 3 here, so at most 6 orders). */
function orders<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) =>
    orders([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

/** Where a history's key names live: under one user's tag, or outside every tag (org policies). */
interface Placement {
  keyNames: readonly string[];
  keyOf(run: string, name: string): string;
  /** Whether a scanned key belongs to this run. */
  ofRun(run: string, key: string): boolean;
}

const underUserTag: Placement = {
  keyNames: KEY_NAMES,
  keyOf: (run, name) => `{${run}}:${name}`,
  ofRun: (run, key) => key.startsWith(`{${run}}:`),
};

/** One key per run shaped as an org's policy record: no hash tag, one record alone per commit. */
const orgPolicyKey: Placement = {
  keyNames: ['p'],
  keyOf: (run) => storeKeys.orgPolicy(run),
  ofRun: (run, key) => key === storeKeys.orgPolicy(run),
};

/**
 * Runs one history on `store` and on the reference: every result must be the reference's exactly;
 * concurrent commits must give the results of one of their serial orders. Several orders may give
 * the same results and leave different records (a delete and a put both answer null), so every
 * reference state the answers so far allow is kept, and later answers narrow them down.
 */
async function replay(
  store: Store,
  steps: Step[],
  expect: ContractTools['expect'],
  placement: Placement,
): Promise<void> {
  const run = `diff-${process.pid}-${++runs}-${Math.random().toString(36).slice(2, 8)}`;
  const keyOf = (name: string) => placement.keyOf(run, name);
  const place = ({ ops, read }: NamedCommit): NamedCommit => ({
    ops: ops.map((op) => ({ ...op, key: keyOf(op.key) })),
    ...(read ? { read: read.map(keyOf) } : {}),
  });
  let candidates = [new ReferenceStore()];
  /** Keeps the candidates whose answer is `got`; when none is left, fails with the first one's answer. */
  const narrow = (at: string, got: unknown, answer: (reference: ReferenceStore) => unknown) => {
    const answers = candidates.map(answer);
    const kept = candidates.filter((_, i) => same(answers[i], got));
    if (kept.length === 0) expect(got, at).toEqual(answers[0]);
    candidates = kept;
  };
  let now = T0;
  for (const [index, step] of steps.entries()) {
    now += step.advanceMs;
    const at = `step ${index} (${step.kind}) at T0+${now - T0}`;
    if (step.kind === 'commit') {
      const { ops, read } = place(step.commit);
      const got = await store.commit(ops, now, read);
      narrow(at, got, (reference) => reference.commit(ops, now, read));
    } else if (step.kind === 'read') {
      const keys = step.keys.map(keyOf);
      const got = await store.getMany(keys, now);
      narrow(at, got, (reference) => keys.map((key) => reference.live(key, now)));
    } else if (store.commitEach && index % 2 === 1) {
      // Every other step of commits together goes as one `commitEach`: each batch atomic on its
      // own, in the order given, each seeing what the batches before it wrote.
      const batches = step.commits.map((commit) => place(commit).ops);
      const got = await store.commitEach(batches, now);
      narrow(`${at}, commitEach`, got, (reference) => batches.map((ops) => reference.commit(ops, now)));
    } else {
      const commits = step.commits.map(place);
      const got = await Promise.all(commits.map(({ ops, read }) => store.commit(ops, now, read)));
      const next = new Map<string, ReferenceStore>();
      for (const reference of candidates) {
        for (const order of orders(commits.map((commit, i) => ({ commit, i })))) {
          const trial = reference.copy();
          const results: CommitResult[] = [];
          for (const { commit, i } of order) results[i] = trial.commit(commit.ops, now, commit.read);
          if (same(results, got)) next.set(JSON.stringify(sorted([...trial.records])), trial);
        }
      }
      expect(next.size, `${at}: no serial order gives ${JSON.stringify(got)}`).toBeGreaterThan(0);
      candidates = [...next.values()];
    }
  }
  const keys = placement.keyNames.map(keyOf);
  const final = await store.getMany(keys, now);
  narrow('final state', final, (reference) => keys.map((key) => reference.live(key, now)));
  if (store.scan) {
    // The scan finds every key the reference holds live, and any other key of this run is dead.
    const scanned = (await scanAll(store, 100, now)).filter((key) => placement.ofRun(run, key));
    const live = keys.filter((key) => candidates[0]!.live(key, now) !== null);
    for (const key of live) expect(scanned, `scan misses ${key}`).toContain(key);
    const extra = scanned.filter((key) => !live.includes(key));
    expect(await store.getMany(extra, now), 'scan gave keys of records that are live').toEqual(
      extra.map(() => null),
    );
  }
}

/** Equal as JSON, whatever the order of object keys. */
function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
}

/** A JSON-comparable copy with object keys in order (stores may return fields in any order). */
function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, sorted(v)]),
    );
  return value;
}

/**
 * The differential property test: fast-check generates random histories of commits and reads
 * (every op with its options, a moving fake clock, expiries, concurrent commits) and each must give
 * exactly what the reference semantics (`planCommit`) give, concurrent commits the results of one
 * of their serial orders (every other time, on a store with `commitEach`, sent as one `commitEach`:
 * the results of the order given); a store with `scan` must then list every key the reference holds live.
 * Example tests check what we thought of; this checks the rest. Call it in
 * a test file; each history runs under its own key tag in one store, and again (half as many
 * histories) on one key outside every tag, shaped as an org's policy record.
 *
 * @example
 * import fc from 'fast-check';
 * import * as vitest from 'vitest';
 * import { storeDifferential } from 'factorkit/testing';
 * storeDifferential('my-store', async () => new MyStore(), { vitest, fc });
 */
export function storeDifferential(
  name: string,
  makeStore: StoreFactory,
  options: StoreDifferentialOptions,
): void {
  const tools = toolsFrom(options);
  const { fc } = options;
  tools.describe.skipIf(options.skip === true)(`store differential: ${name}`, () => {
    tools.it(
      'gives the reference results for random histories of commits, reads and concurrent commits',
      async () => {
        const store = await makeStore();
        await fc.assert(
          fc.asyncProperty(historyArbitrary(fc, { maxSteps: options.maxSteps ?? 25 }), (steps) =>
            replay(store, steps, tools.expect, underUserTag),
          ),
          {
            numRuns: options.runs ?? 100,
            ...(options.seed === undefined ? {} : { seed: options.seed }),
            ...(options.examples ? { examples: options.examples.map((steps) => [steps] as [Step[]]) } : {}),
          },
        );
      },
      120_000,
    );
    tools.it(
      'gives the reference results on a key outside every user tag, as an org policy is',
      async () => {
        const store = await makeStore();
        await fc.assert(
          fc.asyncProperty(
            historyArbitrary(fc, { maxSteps: options.maxSteps ?? 25, keyNames: orgPolicyKey.keyNames }),
            (steps) => replay(store, steps, tools.expect, orgPolicyKey),
          ),
          {
            numRuns: Math.ceil((options.runs ?? 100) / 2),
            ...(options.seed === undefined ? {} : { seed: options.seed }),
          },
        );
      },
      120_000,
    );
  });
}
