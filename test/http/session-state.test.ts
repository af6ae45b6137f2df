import { describe, expect, it } from 'vitest';
import { readState, sessionStateSchema, storedState } from '../../src/http/session.js';

/** What zod's schema makes of a value: the state, or null when it refuses it. */
const bySchema = (value: unknown) => {
  const parsed = sessionStateSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
};

const pending = { stage: 'pending', userId: 'u1', sessionKey: 'k', challengeId: 'c', methods: ['totp'] };
const setup = { stage: 'setup', userId: 'u1', sessionKey: 'k' };
const stepUp = { challengeId: 'c', expiresAt: 5, methods: ['totp', 'email'] };
const signedIn = {
  stage: 'signed-in',
  userId: 'u1',
  sessionKey: 'k',
  secondFactorAt: 1,
  deviceId: 'd',
  stepUp: null,
};

/** Each valid state, then the same with one field replaced by each of `values` (and removed). */
function variants(base: Record<string, unknown>, values: unknown[]): unknown[] {
  const out: unknown[] = [base];
  for (const field of Object.keys(base)) {
    const { [field]: _dropped, ...without } = base;
    out.push(without);
    for (const value of values) out.push({ ...base, [field]: value });
  }
  return out;
}

const ODD_VALUES: unknown[] = [
  undefined,
  null,
  0,
  -1,
  1.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  '',
  'x',
  'x'.repeat(32),
  'x'.repeat(33),
  'x'.repeat(64),
  'x'.repeat(65),
  'x'.repeat(256),
  'x'.repeat(257),
  'x'.repeat(2048),
  'x'.repeat(2049),
  true,
  [],
  ['totp'],
  Array.from({ length: 10 }, () => 'totp'),
  Array.from({ length: 11 }, () => 'totp'),
  ['x'.repeat(33)],
  [1],
  [null],
  // biome-ignore lint/suspicious/noSparseArray: a hole in a list read back from a store
  [, 'totp'],
  {},
  stepUp,
  { ...stepUp, expiresAt: null },
  { ...stepUp, expiresAt: Number.NaN },
  { ...stepUp, methods: 'totp' },
  { ...stepUp, challengeId: 7 },
  { ...stepUp, extra: 'dropped' },
  'pending',
  'setup',
  'signed-in',
  'SIGNED-IN',
  new Date(0),
];

const CORPUS: unknown[] = [
  undefined,
  null,
  0,
  'pending',
  [],
  [pending],
  Object.assign([], pending),
  new Map(Object.entries(pending)),
  { ...pending, extra: 'dropped', stepUp },
  { ...signedIn, stepUp, extra: 1 },
  { ...setup, secondFactorAt: 1, methods: ['totp'] },
  Object.assign(Object.create({ inherited: true }), setup),
  ...variants(pending, ODD_VALUES),
  ...variants(setup, ODD_VALUES),
  ...variants(signedIn, ODD_VALUES),
  ...variants({ ...signedIn, secondFactorAt: null, deviceId: null, stepUp }, ODD_VALUES),
];

describe('the session state, checked by hand on every request', () => {
  it('keeps and refuses exactly what the zod schema does, field for field', () => {
    let refused = 0;
    for (const value of CORPUS) {
      const expected = bySchema(value);
      if (expected === null) refused++;
      expect(readState(value), JSON.stringify(value) ?? String(value)).toStrictEqual(expected);
    }
    // The corpus is mostly malformed shapes: a check that let them through would fail above.
    expect(refused).toBeGreaterThan(CORPUS.length / 2);
  });

  it('gives a copy: a later change to the stored object does not reach the state read', () => {
    const stored = structuredClone({ ...signedIn, stepUp });
    const state = readState(stored);
    stored.stepUp.methods.push('webauthn');
    expect(state).toStrictEqual({ ...signedIn, stepUp });
  });

  it('reads a session that answers at once, with a promise, or with any other thenable', async () => {
    const access = (get: () => unknown) => ({ get, set: () => undefined, rotate: () => undefined });
    expect(await storedState(access(() => pending))).toStrictEqual(pending);
    expect(await storedState(access(async () => pending))).toStrictEqual(pending);
    // biome-ignore lint/suspicious/noThenProperty: a host's session may answer with a non-native promise
    const thenable = { then: (resolve: (value: unknown) => void) => resolve(pending) };
    expect(await storedState(access(() => thenable))).toStrictEqual(pending);
  });
});
