import type * as FastCheck from 'fast-check';
import type { AttemptSchedule, Fields, StoreOp } from '../store/store.js';
import { schedule, T0 } from './contract-tools.js';

/** The parts of fast-check the generator uses (pass `fc` from `import fc from 'fast-check'`). */
export type FastCheckApi = Pick<
  typeof FastCheck,
  | 'assert'
  | 'asyncProperty'
  | 'array'
  | 'boolean'
  | 'constant'
  | 'constantFrom'
  | 'dictionary'
  | 'integer'
  | 'oneof'
  | 'option'
  | 'record'
  | 'shuffledSubarray'
  | 'subarray'
  | 'tuple'
>;

/** A commit whose keys are names (`a`, `b`, ...) a run places under its own tag. */
export interface NamedCommit {
  ops: StoreOp[];
  read?: string[];
}

/** One step of a generated history: the clock moves by `advanceMs`, then the step runs. */
export type Step =
  | { kind: 'commit'; advanceMs: number; commit: NamedCommit }
  | { kind: 'read'; advanceMs: number; keys: string[] }
  /** Commits sent at once: the store must give the results of one of their serial orders. */
  | { kind: 'together'; advanceMs: number; commits: NamedCommit[] };

/** The key names a history uses: few, so ops collide on them. */
export const KEY_NAMES = ['a', 'b', 'c', 'd'];
// The nearest future expiry is a minute away, not less: Redis also expires keys natively, in real
// time, and a slow machine must not see a key vanish that the fake clock still holds live.
const TIMES = [T0 - 1, T0, T0 + 60_000, T0 + 300_000, T0 + 900_000, T0 + 3_600_000];
const CLOCK_STEPS_MS = [0, 1, 59_999, 60_000, 300_000];
const TEXT_VALUES = ['', '0', '1', 'x', 'ü🙂', '{"j":[1]}', "'; --"];
// `__proto__` is a field like any other (field names come from outside: device ids).
const FREE_FIELDS = ['a', 'b', '__proto__'];
const SCHEDULES: AttemptSchedule[] = [
  // The help page's challenge: five attempts, five-minute locks after failures 3 and 4.
  schedule,
  // An account budget: unlimited, two free attempts, then doubling locks, sliding.
  {
    maxAttempts: null,
    freeAttempts: 2,
    lockMs: [60_000, 120_000],
    ttlMs: 3_600_000,
    slide: true,
    afterLockMs: 3_600_000,
  },
];

/**
 * Random histories of store calls over a few keys: every op with its options, conditions that
 * hold and fail, numeric fields (`attempts`, `lockedUntil`, `deadline`, `ended`, `n`) with values
 * near the clock, expiries in the past and future, reads, and groups of concurrent commits.
 */
export function historyArbitrary(
  fc: FastCheckApi,
  options: { maxSteps?: number; keyNames?: readonly string[] } = {},
) {
  const keyNames = [...(options.keyNames ?? KEY_NAMES)];
  const time = fc.constantFrom(...TIMES.map(String));
  const fieldValue = (name: string) => {
    if (name === 'attempts') return fc.constantFrom('0', '1', '2', '4', '5');
    if (name === 'lockedUntil' || name === 'deadline') return fc.oneof(fc.constant('0'), time);
    if (name === 'ended') return fc.constant('1');
    if (name === 'n') return fc.constantFrom('0', '5', '10', 'x', String(T0));
    return fc.constantFrom(...TEXT_VALUES);
  };
  const allFields = [...FREE_FIELDS, 'attempts', 'lockedUntil', 'deadline', 'ended', 'n'];
  const fields = (names: string[], maxKeys: number) =>
    fc.subarray(names, { maxLength: maxKeys }).chain((chosen) =>
      fc.tuple(...chosen.map(fieldValue)).map((values) => {
        const out: Fields = {};
        chosen.forEach((name, i) => {
          out[name] = values[i]!;
        });
        return out;
      }),
    );
  const names = fc.subarray(allFields, { minLength: 1, maxLength: 3 });
  const expiry = fc.oneof(fc.constant(null), fc.constantFrom(...TIMES));
  const opFor = (key: string): FastCheck.Arbitrary<StoreOp> =>
    fc.oneof(
      fc.record({
        type: fc.constant('put' as const),
        key: fc.constant(key),
        fields: fields(allFields, 4),
        expiresAt: expiry,
      }),
      fc.record({
        type: fc.constant('insert' as const),
        key: fc.constant(key),
        fields: fields(allFields, 3),
        expiresAt: expiry,
      }),
      fc.record({ type: fc.constant('absent' as const), key: fc.constant(key) }),
      fc.record({ type: fc.constant('absent' as const), key: fc.constant(key), fields: names }),
      fc.record({ type: fc.constant('delete' as const), key: fc.constant(key) }),
      fc.record({ type: fc.constant('take' as const), key: fc.constant(key) }),
      fc.record({ type: fc.constant('take' as const), key: fc.constant(key), match: fields(FREE_FIELDS, 1) }),
      fc.record({
        type: fc.constant('takeField' as const),
        key: fc.constant(key),
        field: fc.constantFrom(...allFields),
      }),
      fc.record(
        {
          type: fc.constant('merge' as const),
          key: fc.constant(key),
          fields: fields(allFields, 3),
          unset: names,
          create: fc.boolean(),
          match: fields([...FREE_FIELDS, 'ended'], 1),
          absent: names,
          advance: fc.record({
            field: fc.constantFrom('n', '__proto__'),
            value: fc.constantFrom(0, 5, 10, 11, T0),
          }),
          expiresAt: expiry,
        },
        { requiredKeys: ['type', 'key', 'fields'] },
      ),
      fc.record({
        type: fc.constant('attempt' as const),
        key: fc.constant(key),
        schedule: fc.constantFrom(...SCHEDULES),
        mustExist: fc.boolean(),
      }),
    );
  const commit = fc
    .shuffledSubarray(keyNames, { minLength: 1, maxLength: Math.min(3, keyNames.length) })
    .chain((keys) =>
      fc.record(
        { ops: fc.tuple(...keys.map(opFor)), read: fc.shuffledSubarray(keyNames, { minLength: 1 }) },
        { requiredKeys: ['ops'] },
      ),
    )
    .map(({ ops, read }): NamedCommit => (read ? { ops: [...ops], read } : { ops: [...ops] }));
  const advanceMs = fc.constantFrom(...CLOCK_STEPS_MS);
  const step: FastCheck.Arbitrary<Step> = fc.oneof(
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('commit' as const), advanceMs, commit }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('read' as const),
        advanceMs,
        keys: fc.shuffledSubarray(keyNames, { minLength: 1 }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('together' as const),
        advanceMs,
        commits: fc.array(commit, { minLength: 2, maxLength: 3 }),
      }),
    },
  );
  return fc.array(step, { minLength: 1, maxLength: options.maxSteps ?? 25 });
}
