import { z } from 'zod';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

const frequencySchema = z.union([
  z.literal('every-login'),
  z.object({ trustDays: z.number().int().min(1).max(365) }).strict(),
]);

const attemptsSchema = z
  .object({
    /** Attempts per code challenge (the help page: 5). */
    perChallenge: z.number().int().min(1).max(20).default(5),
    /** Failure numbers after which the challenge locks (the help page: after 3 and 4). */
    lockAfterFailures: z.array(z.number().int().min(1)).default([3, 4]),
    /** Length of each challenge lock (the help page: five minutes). */
    lockMs: z
      .number()
      .int()
      .min(1000)
      .default(5 * MINUTE_MS),
    /** Per account, across challenges: failures allowed before account locks start. */
    accountFreeFailures: z.number().int().min(1).max(1_000_000).default(10),
    /** First account lock; each further failure doubles it, up to `accountMaxLockMs`. */
    accountLockMs: z.number().int().min(1000).default(HOUR_MS),
    accountMaxLockMs: z
      .number()
      .int()
      .min(1000)
      .default(30 * DAY_MS),
    /** The account count is forgotten after this long without a failure. */
    accountWindowMs: z
      .number()
      .int()
      .min(MINUTE_MS)
      .default(30 * DAY_MS),
    /** Whether a successful verify clears the account's failure count. */
    resetAccountOnSuccess: z.boolean().default(true),
  })
  .strict();

const roleName = z.string().min(1).max(100);
/** A method's id as the registry lists it (`totp`, `email`, `webauthn`, ...). */
const methodId = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'must be a method id');

/**
 * Who must use 2FA, and from when: everyone (`true`) or the users with one of `roles`, after a
 * grace period of `graceDays` from each user's first sign-in under the rule and/or until
 * `deadline` (ms); the earlier of the two ends it. Without either, at once.
 */
export const requiredRuleSchema = z
  .object({
    roles: z.array(roleName).min(1).max(100).optional(),
    graceDays: z.number().int().min(0).max(365).optional(),
    deadline: z.number().int().min(0).optional(),
  })
  .strict();

/** Which methods count: `allowed` factors (default: every one), and the roles that need a phishing-resistant one. */
export const methodRulesSchema = z
  .object({
    allowed: z.array(methodId).min(1).max(20).optional(),
    phishingResistantFor: z.array(roleName).max(100).optional(),
  })
  .strict();

/** Zod schema of the org policy; every field has a default. */
export const policySchema = z
  .object({
    /** true: every user must use 2FA; false: optional per user; a rule: some roles, with a rollout. */
    required: z.union([z.boolean(), requiredRuleSchema]).default(false),
    /** How often 2FA is asked: every login, or skipped on a trusted browser for `trustDays`. */
    frequency: frequencySchema.default('every-login'),
    challengeTtlMs: z
      .number()
      .int()
      .min(MINUTE_MS)
      .max(DAY_MS)
      .default(15 * MINUTE_MS),
    emailCodeTtlMs: z
      .number()
      .int()
      .min(MINUTE_MS)
      .max(DAY_MS)
      .default(10 * MINUTE_MS),
    emailResendCooldownMs: z.number().int().min(0).max(HOUR_MS).default(MINUTE_MS),
    emailSendsPerHour: z.number().int().min(1).max(100).default(10),
    setupTtlMs: z
      .number()
      .int()
      .min(MINUTE_MS)
      .max(DAY_MS)
      .default(15 * MINUTE_MS),
    adminCodeTtlMs: z
      .number()
      .int()
      .min(MINUTE_MS)
      .max(DAY_MS)
      .default(30 * MINUTE_MS),
    /** Step-up (re-verification before changing 2FA) is fresh for this long. */
    stepUpMaxAgeMs: z
      .number()
      .int()
      .min(MINUTE_MS)
      .max(DAY_MS)
      .default(10 * MINUTE_MS),
    /**
     * A signed-in session ends this long after it was opened (the adapters' sign-in), whatever the
     * host's session store keeps.
     */
    sessionMaxAgeMs: z
      .number()
      .int()
      .min(MINUTE_MS)
      .max(400 * DAY_MS)
      .default(30 * DAY_MS),
    /** Trusted browsers issued before this instant (ms) are not trusted; set when switching to every-login. */
    devicesTrustedFrom: z.number().int().min(0).default(0),
    /** When `required` last changed (set by `policy.set`): grace counts from sign-ins after it. */
    requiredSince: z.number().int().min(0).default(0),
    /** The methods a user may use (a forbidden one is neither offered nor accepted). */
    methods: methodRulesSchema.default({}),
    attempts: attemptsSchema.default(attemptsSchema.parse({})),
    backupCodes: z
      .object({ storage: z.enum(['hashed', 'viewable']).default('hashed') })
      .strict()
      .default({ storage: 'hashed' }),
  })
  .strict();

/** The validated org policy. */
export type Policy = z.output<typeof policySchema>;
/** What `policy.set` and `createTwoFactor({ policy })` accept: any subset of {@link Policy}. */
export type PolicyInput = z.input<typeof policySchema>;

/** The default policy. */
export const DEFAULT_POLICY: Policy = policySchema.parse({});

/** Merges a partial input over a base policy (nested `attempts` and `backupCodes` merge too). */
export function mergePolicy(base: Policy, input: PolicyInput): unknown {
  const patch = (input ?? {}) as Record<string, unknown>;
  const attempts =
    typeof patch['attempts'] === 'object'
      ? { ...base.attempts, ...(patch['attempts'] as object) }
      : base.attempts;
  const backupCodes =
    typeof patch['backupCodes'] === 'object'
      ? { ...base.backupCodes, ...(patch['backupCodes'] as object) }
      : base.backupCodes;
  return { ...base, ...patch, attempts, backupCodes };
}

/** The `required` rule of a policy. */
export type RequiredRule = Policy['required'];

/** Trust days of a policy, or null under `every-login`. */
export function trustDays(policy: Policy): number | null {
  return policy.frequency === 'every-login' ? null : policy.frequency.trustDays;
}
