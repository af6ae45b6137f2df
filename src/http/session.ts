import { z } from 'zod';

/**
 * What every adapter needs from the host's session: tiny and explicit, so express-session,
 * @fastify/session, a Hono cookie session or a host's own store can back it. Async allowed.
 */
export interface TwoFactorSessionAccess {
  /** The adapter's own state, as last `set` (undefined when none). */
  get(): unknown | Promise<unknown>;
  set(state: unknown): void | Promise<void>;
  /** A new session id; the adapter's state is carried across (the old id must stop working). */
  rotate(): void | Promise<void>;
  /** Ends the session (sign-out); when absent, sign-out clears the state and rotates. */
  destroy?(): void | Promise<void>;
}

const userId = z.string().min(1).max(256);
/** The key of this session in factorkit's session registry (`tf.sessions`). */
const sessionKey = z.string().max(64);

/**
 * The 2FA state of one session. Every piece is bound to the one user it was proven for: a new
 * sign-in replaces the whole object, so nothing proven for one account can serve another. Its
 * `sessionKey` must still be open in factorkit's store (`tf.sessions`), so a session the host's
 * store wrote back after a sign-out, or one made before a 2FA change, counts as signed out.
 */
export const sessionStateSchema = z.discriminatedUnion('stage', [
  /** Password accepted; the code is pending. */
  z.object({
    stage: z.literal('pending'),
    userId,
    sessionKey,
    challengeId: z.string().max(2048),
    methods: z.array(z.string().max(32)).max(10),
  }),
  /** Password accepted; the org requires 2FA and the user has no method: setup endpoints only. */
  z.object({ stage: z.literal('setup'), userId, sessionKey }),
  /** Signed in. `secondFactorAt`: when a second factor was last verified in this session. */
  z.object({
    stage: z.literal('signed-in'),
    userId,
    sessionKey,
    secondFactorAt: z.number().nullable(),
    deviceId: z.string().max(64).nullable(),
    /** An open step-up challenge of this session, reused until it ends (one per session). */
    stepUp: z
      .object({
        challengeId: z.string().max(2048),
        expiresAt: z.number(),
        methods: z.array(z.string().max(32)).max(10),
      })
      .nullable(),
  }),
]);

/** The adapter's state in a session. */
export type SessionState = z.output<typeof sessionStateSchema>;
/** The signed-in state. */
export type SignedInState = Extract<SessionState, { stage: 'signed-in' }>;
/** A state about to be entered: its session key comes from the registry. */
export type NewState = SessionState extends infer S
  ? S extends unknown
    ? Omit<S, 'sessionKey'>
    : never
  : never;

/** Reads the state as stored; anything unreadable (tampered, older shape) counts as signed out. */
export async function storedState(session: TwoFactorSessionAccess): Promise<SessionState | null> {
  const stored = session.get();
  return readState(isThenable(stored) ? await stored : stored);
}

/** Whether a session answered with a promise (any thenable, as `await` takes it), not at once. */
export const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof (value as { then?: unknown } | null | undefined)?.then === 'function';

type Fields = Record<string, unknown>;
const isObject = (value: unknown): value is Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown, max: number, min = 0): value is string =>
  typeof value === 'string' && value.length >= min && value.length <= max;
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
/** A copy of a list of method ids, or null when it is not one. */
function methodsOf(value: unknown): string[] | null {
  if (!Array.isArray(value) || value.length > 10) return null;
  for (const method of value) if (!isText(method, 32)) return null;
  return [...value];
}

/**
 * The state as {@link sessionStateSchema} reads it (the same fields kept, the same shapes refused),
 * checked by hand: it runs on every request, and the session only ever holds what this layer wrote
 * (test/http/session-state.test.ts holds the two to the same answers). Null when it is not a state.
 */
export function readState(stored: unknown): SessionState | null {
  if (!isObject(stored)) return null;
  const { stage, userId, sessionKey } = stored;
  if (!isText(userId, 256, 1) || !isText(sessionKey, 64)) return null;
  if (stage === 'pending') {
    const methods = methodsOf(stored['methods']);
    const challengeId = stored['challengeId'];
    if (!methods || !isText(challengeId, 2048)) return null;
    return { stage, userId, sessionKey, challengeId, methods };
  }
  if (stage === 'setup') return { stage, userId, sessionKey };
  if (stage !== 'signed-in') return null;
  const { secondFactorAt, deviceId, stepUp } = stored;
  if (secondFactorAt !== null && !isNumber(secondFactorAt)) return null;
  if (deviceId !== null && !isText(deviceId, 64)) return null;
  if (stepUp === null) return { stage, userId, sessionKey, secondFactorAt, deviceId, stepUp };
  if (!isObject(stepUp)) return null;
  const { challengeId, expiresAt } = stepUp;
  const methods = methodsOf(stepUp['methods']);
  if (!methods || !isText(challengeId, 2048) || !isNumber(expiresAt)) return null;
  return { stage, userId, sessionKey, secondFactorAt, deviceId, stepUp: { challengeId, expiresAt, methods } };
}

/** A fresh signed-in state for `userId`. */
export function signedIn(
  userId: string,
  fields: { secondFactorAt?: number | null; deviceId?: string | null } = {},
): Omit<SignedInState, 'sessionKey'> {
  return {
    stage: 'signed-in',
    userId,
    secondFactorAt: fields.secondFactorAt ?? null,
    deviceId: fields.deviceId ?? null,
    stepUp: null,
  };
}
