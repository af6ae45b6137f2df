import { describe, expect, it } from 'vitest';
import { sessionVerifiersOf } from '../../src/app/internals.js';
import { enrollTotp, type Harness, makeTwoFactor, startChallenge } from '../helpers/harness.js';
import { interruptibleStore } from '../helpers/interruptible-store.js';
import { storesUnderTest } from '../helpers/stores.js';

/**
 * A login's verify bound to the session it comes from (the HTTP layer's, issue 24): the session's
 * open check rides in the attempt's commit and the signed-in session opens in the success commit.
 * Folding them in must keep what the separate reads guaranteed: a session closed meanwhile, before
 * the attempt or between the attempt and the success, signs nobody in; concurrent right codes of one
 * login sign in once. A step-up proven in a session signed out everywhere meanwhile proves nothing.
 * And a challenge another proof ended between a verify's two commits stays ended.
 */
for (const target of storesUnderTest()) {
  describe.skipIf(target.skip)(`login verify with its session closed meanwhile (${target.name})`, () => {
    /** A user with an app, a login waiting for its code, and the session that waits with it. */
    const pendingLogin = async (userId: string) => {
      const interrupt = interruptibleStore(await target.make());
      const h = makeTwoFactor(interrupt.store, { notify: false });
      const { secret, backupCodes } = await enrollTotp(h, userId);
      const { challengeId } = await startChallenge(h, userId);
      const pendingKey = await h.tf.sessions.open(userId, { waitsFor: 'code' });
      // Later than the session's opening (an end in its very millisecond leaves it open, by design).
      h.clock.advance(1000);
      const verify = (code: string) =>
        sessionVerifiersOf(h.tf).verify(challengeId, code, {}, { key: pendingKey, signIn: true });
      const code = () => h.totp.generateCode(secret, h.clock.now());
      return { h, interrupt, challengeId, pendingKey, verify, code, backupCodes };
    };
    const successes = (h: Harness, userId: string) =>
      h.events.filter((e) => e.type === 'verify.succeeded' && e.userId === userId).length;

    it('a session ended before the verify: session-closed, nothing signed in', async () => {
      const { h, verify, code } = await pendingLogin('before');
      await h.tf.sessions.endAll('before');
      expect(await verify(code())).toEqual({ ok: false, reason: 'session-closed' });
      expect(successes(h, 'before')).toBe(0);
    });

    it('a session signed out before the verify: session-closed', async () => {
      const { h, verify, code, pendingKey } = await pendingLogin('closed');
      await h.tf.sessions.close('closed', pendingKey);
      expect(await verify(code())).toEqual({ ok: false, reason: 'session-closed' });
      expect(successes(h, 'closed')).toBe(0);
    });

    // Fails if the success commit does not require the session it replaces to be open (`take`).
    it('a session signed out between the attempt and the success commit: session-closed, no session opened', async () => {
      const { h, interrupt, verify, code, pendingKey } = await pendingLogin('between');
      interrupt.afterNextCommit(() => h.tf.sessions.close('between', pendingKey));
      expect(await verify(code())).toEqual({ ok: false, reason: 'session-closed' });
      expect(successes(h, 'between')).toBe(0);
    });

    // Fails before the success commit checked that the user's sessions were not ended since the
    // attempt read them (only that the pending session's own record was still there).
    it('"sign out everywhere" between the attempt and the success commit: session-closed, no session opened', async () => {
      const { h, interrupt, verify, code } = await pendingLogin('ended-between');
      interrupt.afterNextCommit(() => h.tf.sessions.endAll('ended-between'));
      expect(await verify(code())).toEqual({ ok: false, reason: 'session-closed' });
      expect(successes(h, 'ended-between')).toBe(0);
    });

    // Fails before a step-up's success commit checked that the user's sessions were not ended since
    // its attempt found the session open (only a login's did).
    it('"sign out everywhere" between a step-up\'s attempt and its success commit: session-closed', async () => {
      const { h, interrupt, code } = await pendingLogin('step-up');
      const signedIn = await h.tf.sessions.open('step-up');
      const start = await h.tf.login.start('step-up', { stepUp: true, session: signedIn });
      if (start.status !== 'challenge') throw new Error(`expected a challenge, got ${start.status}`);
      h.clock.advance(1000);
      interrupt.afterNextCommit(() => h.tf.sessions.endAll('step-up'));
      const binding = { key: signedIn, signIn: false };
      const verified = await sessionVerifiersOf(h.tf).verify(start.challengeId, code(), {}, binding);
      expect(verified).toEqual({ ok: false, reason: 'session-closed' });
      expect(successes(h, 'step-up')).toBe(0);
    });

    it('a session of another user does not carry the verify', async () => {
      const { h, challengeId, code } = await pendingLogin('owner');
      const otherKey = await h.tf.sessions.open('intruder', { waitsFor: 'code' });
      const verified = await sessionVerifiersOf(h.tf).verify(
        challengeId,
        code(),
        {},
        { key: otherKey, signIn: true },
      );
      expect(verified).toEqual({ ok: false, reason: 'session-closed' });
    });

    // Fails if the success commit does not require the challenge not to be ended yet.
    it('a challenge another proof ended between the attempt and the success commit: challenge-ended', async () => {
      const { h, interrupt, challengeId, code, backupCodes } = await pendingLogin('ended');
      interrupt.afterNextCommit(async () => {
        expect(await h.tf.login.verify(challengeId, backupCodes[0]!)).toMatchObject({ ok: true });
      });
      expect(await h.tf.login.verify(challengeId, code())).toEqual({ ok: false, reason: 'challenge-ended' });
      expect(successes(h, 'ended')).toBe(1);
    });

    // Fails only if both the challenge's end and the session's replacement stop guarding the success.
    it('8 concurrent right codes of one login: exactly one signs in, its session open, the waiting one closed', async () => {
      const { h, interrupt, verify, code, pendingKey, backupCodes } = await pendingLogin('race');
      const proofs = [code(), ...backupCodes.slice(0, 7)];
      // Every verify's attempt taken before any success commit: they overlap for sure.
      interrupt.gatherCommits(proofs.length);
      const results = await Promise.all(proofs.map((proof) => verify(proof)));
      const won = results.filter((result) => result.ok);
      expect(won).toHaveLength(1);
      expect(successes(h, 'race')).toBe(1);
      const sessionKey = (won[0] as { sessionKey?: string }).sessionKey;
      expect(sessionKey).toEqual(expect.any(String));
      expect(await h.tf.sessions.isOpen('race', sessionKey!)).toBe(true);
      expect(await h.tf.sessions.isOpen('race', pendingKey)).toBe(false);
    });
  });
}
