import { expect, it } from 'vitest';
import { enrollTotp, MINUTE } from '../helpers/harness.js';
import { describeOnBoundHosts } from './support/bound-hosts.js';
import { TestClient } from './support/client.js';

/**
 * A setup's confirmation checks its session in its own commits (issue 24: the session's check in
 * the attempt's commit, the session's change in the enable commit, no read of their own): what the
 * guard and the step-up rule guaranteed before still holds, on every store and adapter.
 */
describeOnBoundHosts('setup confirm bound to its session', (bound) => {
  /** A session setting up a required first method, with an app's setup begun: its secret. */
  const setupPending = async (userId: string) => {
    await bound.h.tf.policy.set({ required: true });
    const client = new TestClient(bound.host.base);
    expect((await client.call('POST', `/password/${userId}`, {})).json['status']).toBe('setup-required');
    const setup = await client.call('POST', '/2fa/totp/setup', {});
    expect(setup.status).toBe(200);
    return {
      client,
      code: () => bound.h.totp.generateCode(String(setup.json['secret']), bound.h.clock.now()),
    };
  };

  /** A signed-in session with a fresh factor (an app first), an email's setup begun: its code. */
  const addingEmail = async (userId: string) => {
    await bound.h.tf.policy.set({ required: false });
    const { secret } = await enrollTotp(bound.h, userId);
    const client = new TestClient(bound.host.base);
    await client.call('POST', `/password/${userId}`, {});
    const code = bound.h.totp.generateCode(secret, bound.h.clock.now());
    expect((await client.call('POST', '/2fa/login/verify', { code })).status).toBe(200);
    const address = `${userId}@example.com`;
    expect((await client.call('POST', '/2fa/email/setup', { address })).status).toBe(200);
    return { client, code: () => bound.h.lastEmailCode(address) };
  };

  const refusedAsSignedOut = { status: 401, json: { error: 'not-signed-in' } };

  it('a session ended between the setup and its confirmation is refused, signed out, nothing enabled', async () => {
    const first = await setupPending('rev-first');
    bound.h.clock.advance(1000);
    await bound.h.tf.sessions.endAll('rev-first');
    expect(await first.client.call('POST', '/2fa/totp/confirm', { code: first.code() })).toMatchObject(
      refusedAsSignedOut,
    );
    expect((await bound.h.tf.status('rev-first')).enabled).toBe(false);
    const added = await addingEmail('rev-added');
    // Later than the sign-in (an end in its very millisecond leaves the session open, by design).
    bound.h.clock.advance(1000);
    await bound.h.tf.sessions.endAll('rev-added');
    expect(await added.client.call('POST', '/2fa/email/confirm', { code: added.code() })).toMatchObject(
      refusedAsSignedOut,
    );
    expect((await bound.h.tf.status('rev-added')).email).toBeNull();
    expect((await added.client.call('GET', '/app')).status).toBe(401);
  });

  // Fails before issue 24's change: the enable commit knew nothing of the session (200, enabled).
  it('a session ended between the attempt and the enable commit fails the enable whole', async () => {
    const first = await setupPending('mid-first');
    // The end lands between the attempt's commit and the enable commit.
    const between = (userId: string) =>
      bound.interrupt.afterNextCommit(() => bound.h.tf.sessions.endAll(userId));
    between('mid-first');
    expect(await first.client.call('POST', '/2fa/totp/confirm', { code: first.code() })).toMatchObject(
      refusedAsSignedOut,
    );
    expect(await bound.h.tf.status('mid-first')).toMatchObject({ enabled: false, backupCodesRemaining: 0 });
    const added = await addingEmail('mid-added');
    between('mid-added');
    expect(await added.client.call('POST', '/2fa/email/confirm', { code: added.code() })).toMatchObject(
      refusedAsSignedOut,
    );
    expect((await bound.h.tf.status('mid-added')).email).toBeNull();
  });

  it('concurrent confirmations of one setup: exactly one enables, one set of backup codes', async () => {
    const first = await setupPending('race-first');
    const code = first.code();
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => first.client.call('POST', '/2fa/totp/confirm', { code })),
    );
    const won = answers.filter((answer) => answer.status === 200);
    expect(won).toHaveLength(1);
    expect(won[0]!.json['backupCodes']).toHaveLength(10);
    expect(bound.h.events.filter((e) => e.type === 'totp.enabled' && e.userId === 'race-first')).toHaveLength(
      1,
    );
    expect(await bound.h.tf.status('race-first')).toMatchObject({ totp: true, backupCodesRemaining: 10 });
    const added = await addingEmail('race-added');
    const emailCode = added.code();
    const emailAnswers = await Promise.all(
      Array.from({ length: 4 }, () => added.client.call('POST', '/2fa/email/confirm', { code: emailCode })),
    );
    expect(emailAnswers.filter((answer) => answer.status === 200)).toHaveLength(1);
    expect(
      bound.h.events.filter((e) => e.type === 'email.enabled' && e.userId === 'race-added'),
    ).toHaveLength(1);
  });

  it('without a fresh factor, adding a method is 403 step-up-required in the attempt commit: no attempt counted', async () => {
    const { client } = await addingEmail('stale');
    const relink = await client.call('POST', '/2fa/totp/setup', {});
    expect(relink.status).toBe(200);
    const code = () => bound.h.totp.generateCode(String(relink.json['secret']), bound.h.clock.now());
    bound.h.clock.advance(11 * MINUTE);
    // More refusals than the setup's attempts: none counted, so the setup stays usable.
    for (let i = 0; i < 6; i++) {
      expect(await client.call('POST', '/2fa/totp/confirm', { code: code() })).toMatchObject({
        status: 403,
        json: { error: 'step-up-required' },
      });
    }
    expect(await bound.h.tf.totp.confirmSetup('stale', code())).toEqual({ ok: true });
  });
});
