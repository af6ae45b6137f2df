import { z } from 'zod';
import { policySchema } from '../core/policy/policy-schema.js';

/**
 * The bodies the routes answer with, as zod schemas: the OpenAPI document is generated from them.
 * The bodies every method shares are in `src/methods/route-bodies.ts`; a method's own, in its folder.
 */
export { done, errorBody, verified, verifyFailure } from '../methods/route-bodies.js';

export const pendingLogin = z.object({
  pending: z.literal(true),
  methods: z.array(z.string()),
  trustDays: z.number().nullable().describe('null under every-login'),
  locked: z
    .boolean()
    .describe('the login is locked now (after wrong codes): a code is refused until retryAt'),
  retryAt: z
    .number()
    .optional()
    .describe('while locked: ms since the epoch; also sent as Retry-After (seconds)'),
  attemptsLeft: z.number().optional().describe('while locked: the attempts the challenge has left'),
  message: z.string().optional().describe('while locked: "Please try again in five minutes."'),
});

export const devices = z.object({
  devices: z.array(
    z.object({
      id: z.string(),
      label: z.string(),
      createdAt: z.number(),
      lastUsedAt: z.number(),
      expiresAt: z.number(),
    }),
  ),
  current: z.string().nullable().describe("this browser's device id"),
});

export const revoked = z.object({ ok: z.boolean() });

export const stepUpStarted = z.object({ methods: z.array(z.string()), expiresAt: z.number() });

export const policy = policySchema;

export const overview = z.object({
  users: z.number(),
  enrolled: z.number(),
  byMethod: z.record(z.string(), z.number()).describe('users per method on (registry ids)'),
  withoutTwoFactor: z.number(),
  inGrace: z.number(),
  required: z.number(),
  lockedNow: z.number(),
  lowBackupCodes: z.number(),
});
