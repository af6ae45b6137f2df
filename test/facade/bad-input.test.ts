import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FactorkitError } from '../../src/core/errors.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { enrollEmail, enrollTotp, makeTwoFactor, startChallenge } from '../helpers/harness.js';

const junk: unknown[] = [
  null,
  undefined,
  42,
  {},
  { code: '123456' },
  ['123456'],
  '',
  ' ',
  '12345',
  '1234567',
  '١٢٣٤٥٦',
  '１２３４５６',
  '12345\u0000',
  'abcdef',
  '9'.repeat(1_000_000),
  'x'.repeat(1_000_000),
  'k7pq-3mzx-9ahd-2wfr',
  '💥'.repeat(10),
];

/** A call either returns a non-success result or throws a FactorkitError; never a success, never another error. */
async function expectRefused(call: () => Promise<unknown>): Promise<void> {
  try {
    const result = (await call()) as { ok?: boolean; status?: string } | undefined;
    expect(result?.ok).not.toBe(true);
  } catch (error) {
    expect(error).toBeInstanceOf(FactorkitError);
    expect(['INVALID_INPUT']).toContain((error as FactorkitError).code);
  }
}

describe('bad input never succeeds and never crashes', () => {
  it('verify, confirmSetup and sendEmailCode with junk codes and ids', async () => {
    const h = makeTwoFactor(new MemoryStore());
    await enrollTotp(h, 'agent');
    await enrollEmail(h, 'agent');
    await h.tf.totp.beginSetup('agent', { accountName: 'a' });
    await h.tf.email.beginSetup('agent', 'a@example.com');
    for (const value of junk) {
      const { challengeId } = await startChallenge(h, 'agent');
      await expectRefused(() => h.tf.login.verify(challengeId, value as string));
      await expectRefused(() => h.tf.login.verify(value as string, '123456'));
      await expectRefused(() => h.tf.login.sendEmailCode(value as string));
      await expectRefused(() => h.tf.totp.confirmSetup('agent', value as string));
      await expectRefused(() => h.tf.email.confirmSetup('agent', value as string));
    }
  });

  it('user ids and options that are not what they should be are INVALID_INPUT', async () => {
    const h = makeTwoFactor(new MemoryStore());
    for (const value of [null, undefined, 42, {}, '', 'x'.repeat(10_000)]) {
      await expect(h.tf.status(value as string)).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        field: 'userId',
      });
      await expect(h.tf.login.start(value as string)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      await expect(h.tf.totp.beginSetup(value as string, { accountName: 'a' })).rejects.toMatchObject({
        code: 'INVALID_INPUT',
      });
    }
    await expect(h.tf.disable('agent', 'sms' as 'totp')).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      field: 'method',
    });
    await expect(h.tf.policy.set({ frequency: { trustDays: 0 } })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      field: 'policy.frequency.trustDays',
    });
    await expect(h.tf.login.start('agent', { deviceToken: 42 as unknown as string })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });

  it('property: no random string signs in', async () => {
    const h = makeTwoFactor(new MemoryStore(), {
      policy: { attempts: { perChallenge: 20, lockAfterFailures: [], accountFreeFailures: 100_000 } },
    });
    await enrollTotp(h, 'agent');
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string(), fc.stringMatching(/^[0-9 ]{0,10}$/), fc.stringMatching(/^[0-9a-z-]{19}$/)),
        async (code) => {
          const { challengeId } = await startChallenge(h, 'agent');
          const result = await h.tf.login.verify(challengeId, code);
          return result.ok === false;
        },
      ),
      { numRuns: 300 },
    );
  });
});
