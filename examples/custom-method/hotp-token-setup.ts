import {
  commitEnable,
  confirmRoute,
  type MethodContext,
  type MethodRoute,
  type MethodRouteContext,
  parseInput,
  type SetupResult,
  setupVerdict,
  userIdSchema,
  userRecordKey,
} from 'factorkit';
import { z } from 'zod';
import { counterOf } from './hotp-codes.js';

/** The token method's context: the shared one and its option. */
export type HotpContext = MethodContext & {
  hotp: { seedOf: (serial: string) => Promise<string | null>; lookAhead: number };
};

/** Its fields of `{tag}:user`. */
export const hotpFields = { seed: 'hotpSeed', at: 'hotpAt', counter: 'hotpCounter' } as const;

/** Binds a sealed seed to its user. */
export const sealContext = (userId: string) => `hotp-token\0${userId}`;

/** A token found, pending until a code from it is typed; or no token with that serial. */
export type TokenSetup = { ok: true; expiresAt: number } | { ok: false; reason: 'unknown-token' };

/** `tf.hotpToken` (`methodApi(tf, hotpTokenMethod)` types it). */
export interface HotpTokenApi {
  /** Finds the token by its serial and keeps its seed, sealed, until a code from it confirms it. */
  beginSetup(userId: string, serial: string): Promise<TokenSetup>;
  /** A code from the token; enables it (the first factor brings backup codes). */
  confirmSetup(userId: string, code: string): Promise<SetupResult>;
}

const serialSchema = z.string().trim().min(1).max(64);

export function createHotpTokenApi(ctx: HotpContext): HotpTokenApi {
  const pending = (userId: string) => userRecordKey(userId, 'hotp-pending');
  return {
    async beginSetup(userIdInput, serialInput) {
      const userId = parseInput(userIdSchema, userIdInput, 'userId');
      const seed = await ctx.hotp.seedOf(parseInput(serialSchema, serialInput, 'serial'));
      if (seed === null) return { ok: false, reason: 'unknown-token' };
      const [policy, now] = [await ctx.policy(), ctx.now()];
      const expiresAt = now + policy.setupTtlMs;
      const fields = { seed: ctx.keyring.seal(seed, sealContext(userId)), deadline: String(expiresAt) };
      const keepUntil = expiresAt + policy.attempts.lockMs * 2;
      await ctx.store.commit([{ type: 'put', key: pending(userId), fields, expiresAt: keepUntil }], now);
      await ctx.emit({ type: 'hotp-token.setup-started', userId });
      return { ok: true, expiresAt };
    },
    async confirmSetup(userIdInput, code) {
      const userId = parseInput(userIdSchema, userIdInput, 'userId');
      parseInput(z.string().max(256), code, 'code');
      const policy = await ctx.policy();
      // One round trip: an attempt on the pending setup, and the user's records.
      const reads = ctx.methods.reads(userId);
      const taken = await ctx.limiter.take(pending(userId), null, policy, { read: reads.keys });
      if (!taken.verdict.ok) return setupVerdict(taken.verdict);
      const sealed = taken.verdict.fields['seed'] ?? '';
      const seed = Buffer.from(ctx.keyring.open(sealed, sealContext(userId)), 'hex');
      // A token handed out may have been pressed a few times: a wider look-ahead, once.
      const counter = counterOf(seed, code, 0, 1000);
      if (counter === null) return setupVerdict(taken.verdict, ctx.now());
      const enabled = await commitEnable(ctx, userId, 'hotp-token', reads.records(taken.read), {
        take: { type: 'take', key: pending(userId), match: { seed: sealed } },
        fields: { [hotpFields.seed]: sealed, [hotpFields.at]: String(ctx.now()) },
        advance: { field: hotpFields.counter, value: counter },
      });
      if (!enabled.ok && enabled.pendingGone) return { ok: false, reason: 'no-pending-setup' };
      // The counter was used meanwhile (a replayed code).
      if (!enabled.ok) return { ok: false, reason: 'invalid-code', attemptsLeft: taken.verdict.attemptsLeft };
      await ctx.emit({ type: 'hotp-token.enabled', userId });
      return enabled;
    },
  };
}

type Context = MethodRouteContext<HotpTokenApi>;

/** `POST /hotp-token/setup { serial }` and `POST /hotp-token/confirm { code }`. */
export const hotpRoutes: MethodRoute<Context>[] = [
  {
    method: 'POST',
    path: '/hotp-token/setup',
    guard: 'setup',
    body: z.object({ serial: z.string().min(1).max(64) }),
    summary: 'Starts adding a hardware token by its serial number',
    responses: {
      200: {
        description: 'pending until a code from it',
        body: z.object({ ok: z.literal(true), expiresAt: z.number() }),
      },
      409: {
        description: 'unknown-token',
        body: z.object({ ok: z.literal(false), reason: z.literal('unknown-token'), message: z.string() }),
      },
    },
    async handle(ctx) {
      const missing = await ctx.stepUpMissing();
      if (missing) return missing;
      const { serial } = ctx.body as { serial: string };
      return ctx.answers.result(await ctx.api.beginSetup(ctx.userId, serial), 409);
    },
  },
  confirmRoute(
    '/hotp-token/confirm',
    'Confirms the token with a code from it; the first method returns the backup codes',
  ),
];
