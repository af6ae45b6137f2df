import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AttemptSchedule, StoreOp } from '../../src/store/store.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { PostgresStore } from '../../src/stores/postgres/postgres-store.js';
import { testPostgresPool } from '../helpers/postgres-pool.js';

// The commit function evaluates ops in PL/pgSQL: these properties hold it to the reference
// semantics (apply-ops.ts, which MemoryStore runs) on generated commits, damaged numbers included.

const { port, pool } = testPostgresPool(4);
const table = `r_${randomUUID().replace(/-/g, '')}`;
const T0 = 1_800_000_000_000;
beforeAll(async () => {
  if (port !== null) await new PostgresStore({ pool, table }).createSchema();
});

const NAMES = ['a', 'b', 'attempts', 'lockedUntil', 'deadline', 'ended', 'step'] as const;
// Numbers as factorkit writes them, and text that JavaScript's Number() reads its own way.
const VALUES = [
  '0',
  '1',
  '3',
  '7',
  String(T0 + 100),
  String(T0 + 200),
  '',
  'x',
  ' 7 ',
  '1e2',
  '0x10',
  '-1',
  '2.5',
  'Infinity',
  'NaN',
];
const name = fc.constantFrom(...NAMES);
const fields = fc.dictionary(name, fc.constantFrom(...VALUES), { maxKeys: 4 });
const names = fc.uniqueArray(name, { maxLength: 3 });
// Instants on a 25 ms grid, so clocks, expiries, deadlines and locks meet exactly as often as not.
const instant = fc.integer({ min: -2, max: 24 }).map((n) => T0 + 25 * n);
const expiry = fc.option(instant, { nil: null });
const schedule: fc.Arbitrary<AttemptSchedule> = fc.record({
  maxAttempts: fc.option(fc.integer({ min: 0, max: 4 }), { nil: null }),
  freeAttempts: fc.integer({ min: 0, max: 3 }),
  lockMs: fc.array(
    fc.integer({ min: 0, max: 12 }).map((n) => 25 * n),
    { maxLength: 3 },
  ),
  ttlMs: fc.integer({ min: 1, max: 20 }).map((n) => 25 * n),
  slide: fc.boolean(),
  afterLockMs: fc.integer({ min: 0, max: 8 }).map((n) => 25 * n),
});

function opOn(key: string): fc.Arbitrary<StoreOp> {
  const k = fc.constant(key);
  return fc.oneof(
    fc.record({ type: fc.constant('put' as const), key: k, fields, expiresAt: expiry }),
    fc.record({ type: fc.constant('insert' as const), key: k, fields, expiresAt: expiry }),
    fc.record(
      { type: fc.constant('absent' as const), key: k, fields: names },
      { requiredKeys: ['type', 'key'] },
    ),
    fc.record({ type: fc.constant('delete' as const), key: k }),
    fc.record(
      { type: fc.constant('take' as const), key: k, match: fields },
      { requiredKeys: ['type', 'key'] },
    ),
    fc.record({ type: fc.constant('takeField' as const), key: k, field: name }),
    fc.record(
      {
        type: fc.constant('merge' as const),
        key: k,
        fields,
        unset: names,
        create: fc.boolean(),
        match: fields,
        absent: names,
        advance: fc.record({
          field: fc.constantFrom('step', 'attempts', 'a'),
          value: fc.constantFrom(0, 1, 3, 7, 2.5, -1, 16, 100, T0 + 100),
        }),
        expiresAt: expiry,
      },
      { requiredKeys: ['type', 'key', 'fields'] },
    ),
    fc.record({ type: fc.constant('attempt' as const), key: k, schedule, mustExist: fc.boolean() }),
    // A merge that only extends the expiry.
    fc.record({ type: fc.constant('merge' as const), key: k, fields: fc.constant({}), expiresAt: expiry }),
  );
}

// Text around the grammar of JavaScript's StringToNumber: white space, a sign, digits, a point, an
// exponent, Infinity, 0x/0o/0b integers, and near misses.
const space = fc.constantFrom(
  '',
  '',
  ' ',
  '\t',
  '\n',
  '\v',
  '\u00a0',
  '\u1680',
  '\u2007',
  '\u2028',
  '\u3000',
  '\ufeff',
  '\u180e',
  '\u200b',
);
const sign = fc.constantFrom('', '', '+', '-');
const digits = (max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: max });
const decimal = fc
  .tuple(
    sign,
    digits(22),
    fc.constantFrom('', '.'),
    digits(22),
    fc.option(fc.tuple(fc.constantFrom('e', 'E'), sign, digits(4)), { nil: undefined }),
  )
  .map(([s, i, p, f, e]) => `${s}${i}${p}${f}${e ? e.join('') : ''}`);
const prefixed = fc
  .tuple(
    fc.constantFrom('', '-', '+'),
    fc.constantFrom('0x', '0X', '0o', '0b', '0B'),
    fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), maxLength: 20 }),
  )
  .map((parts) => parts.join(''));
const numberText = fc.oneof(
  fc
    .tuple(
      space,
      fc.oneof(
        decimal,
        decimal,
        prefixed,
        fc.constantFrom('Infinity', '-Infinity', '+Infinity', 'infinity', 'NaN'),
      ),
      space,
    )
    .map((parts) => parts.join('')),
  fc.constantFrom(
    '1e309',
    '-1e-400',
    '5e-324',
    '2.4703282292062328e-324',
    '2.4703282292062327e-324',
    '1.7976931348623158e308',
    '1.7976931348623157e308',
    `1e${'9'.repeat(12)}`,
    `0.${'0'.repeat(400)}1e400`,
    '1_000',
    '.',
    '1e',
    'e1',
  ),
  fc.double().map(String),
);

const KEYS = ['{u}:a', '{u}:b'];
const commit = fc.record({
  ops: fc.subarray(KEYS, { minLength: 1 }).chain((keys) => fc.tuple(...keys.map(opOn))),
  elapsedMs: fc.integer({ min: 0, max: 12 }).map((n) => 25 * n),
  read: fc.option(fc.subarray(KEYS), { nil: undefined }),
});

describe.skipIf(port === null)('PostgresStore follows the reference semantics', () => {
  it('gives the results, refusals and records MemoryStore gives, on generated commits', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(commit, { minLength: 1, maxLength: 14 }), async (commits) => {
        // One table for every run: each run has keys of its own.
        const prefix = `{r${run++}}`;
        const own = (key: string) => key.replace('{u}', prefix);
        const store = new PostgresStore({ pool, table });
        const reference = new MemoryStore();
        let now = T0;
        for (const { ops, elapsedMs, read } of commits) {
          now += elapsedMs;
          const expected = await reference.commit(ops, now, read);
          const got = await store.commit(
            ops.map((op) => ({ ...op, key: own(op.key) })),
            now,
            read?.map(own),
          );
          expect(got).toEqual(expected);
        }
        const records = await store.getMany(KEYS.map(own), now);
        expect(records).toEqual(await reference.getMany(KEYS, now));
      }),
      {
        numRuns: 250,
        examples: [
          // Found by this property: a NaN count (NULL in SQL) must arm no lock, as Math.min(NaN) arms none.
          [
            [
              {
                ops: [{ type: 'put', key: '{u}:b', fields: { attempts: 'x' }, expiresAt: null }],
                elapsedMs: 0,
                read: undefined,
              },
              {
                ops: [
                  {
                    type: 'attempt',
                    key: '{u}:b',
                    schedule: {
                      maxAttempts: null,
                      freeAttempts: 0,
                      lockMs: [25],
                      ttlMs: 25,
                      slide: false,
                      afterLockMs: 0,
                    },
                    mustExist: false,
                  },
                ],
                elapsedMs: 0,
                read: undefined,
              },
            ],
          ],
        ],
      },
    );
  }, 120_000);

  it('reads field text as Number() does and writes numbers as String() does', async () => {
    const call = async (fn: string, value: unknown) =>
      (await pool.query(`SELECT "${table}_${fn}"($1) AS v`, [value])).rows[0].v as unknown;
    await fc.assert(
      fc.asyncProperty(numberText, async (s) => {
        const expected = Number(s);
        const want = Number.isNaN(expected) ? null : expected;
        expect(await call('num2', s), JSON.stringify(s)).toBe(want);
        expect(await call('num', s), JSON.stringify(s)).toBe(want);
      }),
      { numRuns: 600 },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.double(),
          fc.integer().map((n) => n * 1000),
          fc.integer({ min: 50, max: 75 }).map((e) => 2 ** e),
          fc.double({ min: 2 ** 53, max: 1e22, noNaN: true }).map(Math.round),
          fc.constantFrom(
            Number.MAX_VALUE,
            -Number.MAX_VALUE,
            Number.MIN_VALUE,
            31440884585651470,
            2 ** 60,
            1e21,
            1e-7,
          ),
        ),
        async (x) => {
          expect(await call('str', Number.isNaN(x) ? 'NaN' : x), String(x)).toBe(String(x));
        },
      ),
      { numRuns: 400 },
    );
  }, 120_000);
});
