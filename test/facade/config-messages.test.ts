import { describe, expect, it } from 'vitest';
import { createTwoFactor, type TwoFactorOptions } from '../../src/app/create-two-factor.js';
import { MemoryMailer } from '../../src/mail/memory-mailer.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { enrollTotp, KEY, makeTwoFactor } from '../helpers/harness.js';

const base = { issuer: 'CloudFon CX', store: new MemoryStore(), mailer: new MemoryMailer(), keys: KEY };
const configError = (options: object) => {
  try {
    createTwoFactor({ ...base, ...options } as TwoFactorOptions);
  } catch (error) {
    return error as { code: string; field: string; message: string };
  }
  throw new Error(`accepted: ${JSON.stringify(options)}`);
};

/** Errors that point at the fix: every option's failure names the option and says what it takes. */
describe('option messages say what was expected', () => {
  it('policy.frequency lists what is allowed (it said "Invalid input")', () => {
    expect(configError({ policy: { frequency: 'daily' } })).toMatchObject({
      code: 'CONFIG',
      field: 'policy.frequency',
      message:
        '[factorkit] option policy.frequency: expected "every-login" or an object { trustDays }, received "daily"',
    });
    expect(configError({ policy: { frequency: { days: 3 } } }).message).toMatch(
      /expected "every-login" or an object \{ trustDays \}, received an object \{ days \}$/,
    );
  });

  it('policy.set says the same', async () => {
    const { tf } = makeTwoFactor(new MemoryStore());
    await expect(tf.policy.set({ frequency: 'weekly' } as never)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(
        /policy\.frequency: expected "every-login" or an object \{ trustDays \}/,
      ),
    });
  });

  const cases: Array<[string, object, string, RegExp]> = [
    ['issuer', { issuer: 5 }, 'options.issuer', /expected string, received number/],
    ['issuer (empty)', { issuer: ' ' }, 'options.issuer', />=1 characters/],
    ['store', { store: {} }, 'options.store', /must implement get, getMany and commit/],
    ['mailer', { mailer: null }, 'options.mailer', /must have a send\(message\) method/],
    ['now', { now: 5 }, 'options.now', /now must be a function/],
    ['random', { random: 'x' }, 'options.random', /random must be a function/],
    ['authorize', { authorize: true }, 'options.authorize', /authorize must be a function/],
    ['onEvent', { onEvent: 1 }, 'options.onEvent', /onEvent must be a function/],
    ['emailTemplate', { emailTemplate: 'x' }, 'options.emailTemplate', /emailTemplate must be a function/],
    ['policyCacheMs', { policyCacheMs: -1 }, 'options.policyCacheMs', /expected number to be >=0/],
    [
      'policyCacheMs (type)',
      { policyCacheMs: '5' },
      'options.policyCacheMs',
      /expected number, received string/,
    ],
    [
      'an unknown option (a typo)',
      { polcy: {} },
      'options',
      /unknown key "polcy": expected issuer, store, mailer, keys, policy/,
    ],
    ['policy (not an object)', { policy: 5 }, 'options.policy', /must be an object \(PolicyInput/],
    [
      'policy (unknown key)',
      { policy: { frequncy: 'every-login' } },
      'policy',
      /unknown key "frequncy": expected required, frequency,/,
    ],
    [
      'policy.required',
      { policy: { required: 'yes' } },
      'policy.required',
      /expected true or false or an object \{ roles, graceDays, deadline \}, received "yes"/,
    ],
    [
      'policy.frequency.trustDays',
      { policy: { frequency: { trustDays: 0 } } },
      'policy.frequency.trustDays',
      />=1/,
    ],
    [
      'policy.backupCodes.storage',
      { policy: { backupCodes: { storage: 'plain' } } },
      'policy.backupCodes.storage',
      /expected one of "hashed"\|"viewable"/,
    ],
    [
      'policy.attempts.perChallenge',
      { policy: { attempts: { perChallenge: 0 } } },
      'policy.attempts.perChallenge',
      />=1/,
    ],
    ['policy.sessionMaxAgeMs', { policy: { sessionMaxAgeMs: 5 } }, 'policy.sessionMaxAgeMs', />=60000/],
    [
      'totp (not an object)',
      { totp: 'SHA1' },
      'options.totp',
      /must be an object \(\{ algorithm, digits, periodSeconds, windowSteps \}\)/,
    ],
    [
      'totp.algorithm',
      { totp: { algorithm: 'MD5' } },
      'totp.algorithm',
      /expected one of "SHA1"\|"SHA256"\|"SHA512"/,
    ],
    ['totp.digits', { totp: { digits: 9 } }, 'totp.digits', /expected 6 or 7 or 8, received 9/],
    [
      'totp.windowSteps',
      { totp: { windowSteps: 'x' } },
      'totp.windowSteps',
      /expected a number or an object \{ past, future \}, received "x"/,
    ],
    [
      'webauthn.userVerification',
      { webauthn: { userVerification: 'always' } },
      'options.webauthn.userVerification',
      /expected one of "required"\|"preferred"\|"discouraged"/,
    ],
    [
      'webauthn (unknown key)',
      { webauthn: { rpID: 'x' } },
      'options.webauthn',
      /unknown key "rpID": expected userVerification, .*rpId/,
    ],
  ];
  for (const [name, options, field, expected] of cases) {
    it(`${name}: CONFIG naming ${field}, saying what it takes`, () => {
      const error = configError(options);
      expect(error.code).toBe('CONFIG');
      expect(error.field).toBe(field);
      expect(error.message).toMatch(expected);
      expect(error.message).not.toMatch(/Invalid input$/);
    });
  }
});

describe('admin actions without authorize', () => {
  it('say that the default denies everything, and how to allow (it read as a plain refusal)', async () => {
    const tf = createTwoFactor(base);
    await expect(tf.admin.reset({ id: 'boss', roles: ['admin'] }, 'ana')).rejects.toMatchObject({
      code: 'NOT_AUTHORIZED',
      message: expect.stringMatching(
        /no `authorize` option, and without it every admin action is denied; pass authorize: \(actor, action, targetUserId\) => boolean/,
      ),
    });
  });

  it('an authorize that says no reads as a refusal of this actor', async () => {
    const h = makeTwoFactor(new MemoryStore(), { authorize: () => false });
    await enrollTotp(h, 'ana');
    await expect(h.tf.admin.issueBackupCode({ id: 'ben' }, 'ana')).rejects.toMatchObject({
      code: 'NOT_AUTHORIZED',
      message: '[factorkit] actor ben may not issue-backup-code for this user',
    });
  });
});
