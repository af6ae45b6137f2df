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
  const stored = await session.get();
  if (stored === undefined || stored === null) return null;
  const parsed = sessionStateSchema.safeParse(stored);
  return parsed.success ? parsed.data : null;
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
