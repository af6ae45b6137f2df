import { expect, it } from 'vitest';
import { enrollTotp } from '../helpers/harness.js';
import { describeOnBoundHosts } from './support/bound-hosts.js';
import { TestClient } from './support/client.js';

/**
 * POST /2fa/login/verify checks its session in the attempt's commit and opens the signed-in session
 * in the success commit (issue 24): what the separate session read guaranteed before still holds on
 * every store and adapter. A session closed before the code, or while the code is being checked,
 * signs nobody in; concurrent right codes of one login sign in once.
 */
describeOnBoundHosts('login verify bound to its session', (bound) => {
  /** A browser past the password, its login waiting for a code: the app's code and backup codes. */
  const pendingLogin = async (userId: string) => {
    const { secret, backupCodes } = await enrollTotp(bound.h, userId);
    const client = new TestClient(bound.host.base);
    expect((await client.call('POST', `/password/${userId}`, {})).json['status']).toBe('challenge');
    // Later than the password (an end in its very millisecond leaves the session open, by design).
    bound.h.clock.advance(1000);
    return { client, backupCodes, code: () => bound.h.totp.generateCode(secret, bound.h.clock.now()) };
  };
  const successes = (userId: string) =>
    bound.h.events.filter((e) => e.type === 'verify.succeeded' && e.userId === userId).length;
  const refusedAsSignedOut = { status: 401, json: { error: 'no-pending-login' } };

  // Fails if the attempt's commit does not check the session (the guard no longer reads it).
  it('a session ended between the password and the code is refused: signed out, not signed in', async () => {
    const { client, code } = await pendingLogin('ended-before');
    await bound.h.tf.sessions.endAll('ended-before');
    expect(await client.call('POST', '/2fa/login/verify', { code: code() })).toMatchObject(
      refusedAsSignedOut,
    );
    expect(successes('ended-before')).toBe(0);
    expect((await client.call('GET', '/app')).status).toBe(401);
    expect((await client.call('GET', '/2fa/login')).json['error']).toBe('no-pending-login');
  });

  // Fails if the success commit does not require the pending session to be open (`take`).
  it('signed out in another tab while the code is checked (between the attempt and the success): refused, no session opened', async () => {
    const { client, code } = await pendingLogin('out-between');
    bound.interrupt.afterNextCommit(async () => {
      expect((await client.call('POST', '/sign-out', {})).status).toBe(200);
    });
    expect(await client.call('POST', '/2fa/login/verify', { code: code() })).toMatchObject(
      refusedAsSignedOut,
    );
    expect(successes('out-between')).toBe(0);
    expect((await client.call('GET', '/app')).status).toBe(401);
  });

  // Fails before the success commit checked that the user's sessions were not ended since the
  // attempt read them (only that the pending session's own record was still there).
  it('"sign out everywhere" while the code is checked (between the attempt and the success): refused, no session opened', async () => {
    const { client, code } = await pendingLogin('ended-between');
    bound.interrupt.afterNextCommit(() => bound.h.tf.sessions.endAll('ended-between'));
    expect(await client.call('POST', '/2fa/login/verify', { code: code() })).toMatchObject(
      refusedAsSignedOut,
    );
    expect(successes('ended-between')).toBe(0);
    expect((await client.call('GET', '/app')).status).toBe(401);
  });

  // Fails only when both the challenge's end and the pending session's `take` stop guarding it.
  it('8 concurrent right codes of one login (its app code and backup codes): exactly one signs in', async () => {
    const { client, code, backupCodes } = await pendingLogin('race');
    const proofs = [code(), ...backupCodes.slice(0, 7)];
    // Every request's attempt taken before any success commit: they overlap for sure.
    bound.interrupt.gatherCommits(proofs.length);
    const answers = await Promise.all(
      proofs.map((proof) => client.call('POST', '/2fa/login/verify', { code: proof })),
    );
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
    // The others: the challenge ended or the session replaced (401), or the attempts used up (429).
    for (const answer of answers) expect([200, 401, 429]).toContain(answer.status);
    expect(successes('race')).toBe(1);
    // One backup code spent at most (the winner's, if it was one).
    expect((await bound.h.tf.status('race')).backupCodesRemaining).toBeGreaterThanOrEqual(9);
  });
});
