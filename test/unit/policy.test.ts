import { describe, expect, it } from 'vitest';
import { decideLogin } from '../../src/core/policy/decide-login.js';
import { accountLockSchedule, challengeLockSchedule } from '../../src/core/policy/lock-schedules.js';
import { DEFAULT_POLICY, policySchema } from '../../src/core/policy/policy-schema.js';

const none: string[] = [];
const app = ['totp', 'backup-code'];
const trusting = policySchema.parse({ frequency: { trustDays: 14 } });

describe('decideLogin (pure)', () => {
  it('asks nothing of a user without 2FA unless the org requires it', () => {
    expect(decideLogin(DEFAULT_POLICY, none, false)).toEqual({ status: 'not-required' });
    expect(decideLogin(policySchema.parse({ required: true }), none, false)).toEqual({
      status: 'setup-required',
    });
  });

  it('offers the methods the user can use, in order', () => {
    expect(decideLogin(DEFAULT_POLICY, app, false)).toEqual({
      status: 'challenge',
      methods: ['totp', 'backup-code'],
    });
    expect(decideLogin(DEFAULT_POLICY, ['totp', 'email'], false)).toEqual({
      status: 'challenge',
      methods: ['totp', 'email'],
    });
  });

  it('skips on a trusted browser only under a trust-days policy and never for step-up', () => {
    expect(decideLogin(trusting, app, true)).toEqual({ status: 'trusted-device' });
    expect(decideLogin(DEFAULT_POLICY, app, true).status).toBe('challenge');
    expect(decideLogin(trusting, app, false).status).toBe('challenge');
    expect(decideLogin(trusting, app, true, { stepUp: true }).status).toBe('challenge');
  });

  it('never asks a user with no method for a code', () => {
    expect(decideLogin(DEFAULT_POLICY, none, true)).toEqual({ status: 'not-required' });
    expect(
      decideLogin(policySchema.parse({ required: true, frequency: { trustDays: 14 } }), none, true),
    ).toEqual({
      status: 'setup-required',
    });
  });
});

describe('schedules', () => {
  it('the challenge: five attempts, five-minute locks after 3 and 4', () => {
    expect(challengeLockSchedule(DEFAULT_POLICY)).toEqual([0, 0, 300_000, 300_000, 0]);
  });

  it('the account: ten free failures, then doubling locks from one hour up to 30 days', () => {
    const schedule = accountLockSchedule(DEFAULT_POLICY);
    expect(schedule.freeAttempts).toBe(9);
    expect(schedule.lockMs[0]).toBe(3_600_000);
    expect(schedule.lockMs[1]).toBe(7_200_000);
    expect(schedule.lockMs.at(-1)).toBe(30 * 86_400_000);
  });

  it('defaults: every login, 15-minute challenges, 10-minute email codes, 30-minute admin codes', () => {
    expect(DEFAULT_POLICY).toMatchObject({
      required: false,
      frequency: 'every-login',
      challengeTtlMs: 900_000,
      emailCodeTtlMs: 600_000,
      adminCodeTtlMs: 1_800_000,
      backupCodes: { storage: 'hashed' },
    });
  });
});
