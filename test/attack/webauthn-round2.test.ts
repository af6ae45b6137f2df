/**
 * Second attack round on security keys (WebAuthn), by an outside tester: each test here failed on
 * 92f2a8c because of the finding it names, and holds the fix.
 */
import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { enrollTotp, makeTwoFactor, startChallenge } from '../helpers/harness.js';
import { storesUnderTest } from '../helpers/stores.js';
import { TestClient } from '../http/support/client.js';
import { hostApps } from '../http/support/host-list.js';
import {
  assert,
  BE,
  BS,
  enroll,
  keyChallenge,
  newCred,
  ORIGIN,
  RP_ID,
  register,
  registerOverHttp,
  UP,
  UV,
  whileRenaming,
} from './wa-support.js';

const HTTP_SITE = { rpId: RP_ID, rpName: 'CloudFon CX', origin: ORIGIN };
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

// ---------------------------------------------------------------------------------------------
// Finding 1: a rename (signed-in guard, no step-up, no limit) racing a login makes the owner's
// valid security-key assertion fail, counted as a failed attempt (locks the challenge/account).
// ---------------------------------------------------------------------------------------------
for (const target of storesUnderTest()) {
  describe.skipIf(target.skip)(`F1 rename vs login (${target.name})`, () => {
    it('a valid assertion is refused (and counted) while the key is being renamed', async () => {
      const h = makeTwoFactor(await target.make());
      const { cred, result } = await enroll(h, 'ana');
      const keyId = result.ok ? result.key.id : '';
      const outcomes: string[] = [];
      for (let i = 0; i < 6; i++) {
        const { challengeId, challenge } = await keyChallenge(h, 'ana');
        const response = assert(cred, challenge);
        // Whoever holds any signed-in session of ana (rename needs no fresh factor) keeps renaming.
        const verified = await whileRenaming(h, 'ana', keyId, () =>
          h.tf.login.verifyWebauthn(challengeId, response),
        );
        outcomes.push(verified.ok ? 'ok' : (verified as { reason: string }).reason);
        h.clock.advance(16 * 60_000); // past any lock, so every round is a fresh try
      }
      const refused = outcomes.filter((o) => o !== 'ok');
      expect
        .soft(refused, `valid assertions refused while the key was renamed: ${outcomes.join(', ')}`)
        .toEqual([]);
      expect
        .soft(
          h.events.filter((e) => e.type === 'verify.failed').length,
          'a valid key counted as failed attempts',
        )
        .toBe(0);
    });
  });
}

describe('F1 escalates: the owner ends up locked out of every method', () => {
  it('after ten renamed-away key logins the account is locked, and a correct app code is refused', async () => {
    const h = makeTwoFactor(new MemoryStore());
    const { secret } = await enrollTotp(h, 'ana');
    const { cred } = await enroll(h, 'ana');
    const keyId = (await h.tf.webauthn.list('ana'))[0]!.id;
    for (let i = 0; i < 11; i++) {
      const { challengeId, challenge } = await keyChallenge(h, 'ana');
      const response = assert(cred, challenge);
      await whileRenaming(h, 'ana', keyId, () => h.tf.login.verifyWebauthn(challengeId, response));
      h.clock.advance(60_000);
    }
    const start = await startChallenge(h, 'ana');
    const verified = await h.tf.login.verify(start.challengeId, h.totp.generateCode(secret, h.clock.now()));
    expect
      .soft(verified, "the owner's correct app code, after their key logins were renamed away")
      .toMatchObject({ ok: true });
  });
});

describe('F1 over HTTP: a stolen (not fresh) session locks the owner out of key logins', () => {
  for (const app of hostApps) {
    it(`${app.name}: PUT /webauthn/keys/:id spam makes POST /login/webauthn fail`, async () => {
      const h = makeTwoFactor(new MemoryStore());
      const host = await app.start(h, { webauthn: HTTP_SITE });
      try {
        const owner = new TestClient(host.base);
        await owner.call('POST', '/password/ana', {});
        const { cred, added, keyId } = await registerOverHttp(owner);
        expect(added.status).toBe(200);
        // The "thief": a session cookie of ana (e.g. stolen), signed in long ago: no fresh factor.
        const thief = owner;
        h.clock.advance(60 * 60_000);
        expect((await thief.call('DELETE', `/2fa/webauthn/keys/${keyId}`)).status).toBe(403);

        const statuses: number[] = [];
        for (let i = 0; i < 8; i++) {
          const login = new TestClient(host.base);
          await login.call('POST', '/password/ana', {});
          const request = (await login.call('POST', '/2fa/login/webauthn/options', {})).json['options'] as {
            challenge: string;
          };
          const response = assert(cred, request.challenge);
          let stop = false;
          const spam = (async () => {
            let n = 0;
            while (!stop) await thief.call('PUT', `/2fa/webauthn/keys/${keyId}`, { label: `k${n++}` });
          })();
          const answer = await login.call('POST', '/2fa/login/webauthn', { response });
          stop = true;
          await spam;
          statuses.push(answer.status);
          h.clock.advance(16 * 60_000);
        }
        expect
          .soft(statuses, 'owner key logins refused while a stale session renames the key')
          .toEqual(Array(8).fill(200));
      } finally {
        await host.close();
      }
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Finding 2: a login proven with a key just before the key is removed opened its session after the
// removal's "end every session", and that session survived; a session now dates from its proof.
// ---------------------------------------------------------------------------------------------
/** The real store; once armed, runs `after` right after the commit that ends ana's challenge. */
function interleavingStore(inner: Store) {
  const hook: { after: (() => Promise<void>) | null } = { after: null };
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop !== 'commit') return Reflect.get(target, prop, receiver);
      return async (...args: Parameters<Store['commit']>) => {
        const result = await target.commit(...args);
        const endsChallenge = args[0].some(
          (op) => op.type === 'merge' && op.key.includes('challenge:') && 'ended' in (op.fields ?? {}),
        );
        if (result.ok && endsChallenge && hook.after) {
          const after = hook.after;
          hook.after = null;
          await after();
        }
        return result;
      };
    },
  });
  return { store, hook };
}

describe('F2 login in flight vs removal of the stolen key', () => {
  for (const app of hostApps) {
    it(`${app.name}: the thief's session, proven before the removal, ends with it`, async () => {
      const { store, hook } = interleavingStore(new MemoryStore());
      const h = makeTwoFactor(store);
      const host = await app.start(h, { webauthn: HTTP_SITE });
      try {
        const stolen = await enroll(h, 'ana', newCred(), { label: 'stolen' });
        await enroll(h, 'ana', newCred(), { label: 'spare' });
        const stolenId = stolen.result.ok ? stolen.result.key.id : '';
        const thief = new TestClient(host.base);
        await thief.call('POST', '/password/ana', {});
        const request = (await thief.call('POST', '/2fa/login/webauthn/options', {})).json['options'] as {
          challenge: string;
        };
        // The owner removes the stolen key while the thief's login is between its proof and its session.
        hook.after = async () => {
          h.clock.advance(1); // the owner's request comes later (a tie in one millisecond goes to the session)
          expect(await h.tf.webauthn.remove('ana', stolenId)).toEqual({ ok: true });
        };
        const answer = await thief.call('POST', '/2fa/login/webauthn', {
          response: assert(stolen.cred, request.challenge),
        });
        expect(hook.after, 'the removal ran inside the login').toBeNull();
        expect((await h.tf.webauthn.list('ana')).map((k) => k.label)).toEqual(['spare']);
        const app200 = answer.status === 200 ? (await thief.call('GET', '/app')).status : 401;
        expect
          .soft(app200, 'a session opened by the removed key is still signed in after the removal')
          .not.toBe(200);
      } finally {
        await host.close();
      }
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Finding 3: the user handle was never checked (fixed); credential ids are unique per user only.
// ---------------------------------------------------------------------------------------------
for (const target of storesUnderTest().filter((t) => t.name === 'memory' || t.name === 'postgres')) {
  describe.skipIf(target.skip)(`F3 credential ids across users (${target.name})`, () => {
    it('refuses an assertion whose user handle names another user, whatever the credential id', async () => {
      const h = makeTwoFactor(await target.make());
      const ana = await enroll(h, 'ana');
      // Ben (the attacker's own account) registers a credential with ana's credential id.
      const clash = newCred(ana.cred.id);
      const options = (await h.tf.webauthn.beginRegistration('ben', siteFor('ben'))).options;
      // Credential ids are unique per user only (docs/webauthn.md): ben's registration goes through,
      // and what matters is that it opens nothing of ana's.
      await h.tf.webauthn.finishRegistration('ben', register(clash, options), { label: 'clash' });
      // An assertion whose userHandle names another user (ben's handle) is accepted for ana.
      const { challengeId, challenge } = await keyChallenge(h, 'ana');
      const foreignHandle = options.user.id;
      expect(foreignHandle).not.toBe(ana.options.user.id);
      const verified = await h.tf.login.verifyWebauthn(
        challengeId,
        assert(ana.cred, challenge, { userHandle: foreignHandle }),
      );
      expect.soft(verified.ok, "an assertion whose userHandle is not ana's signs ana in").toBe(false);
    });
  });
}

function siteFor(userId: string) {
  return { rpId: RP_ID, rpName: 'CloudFon CX', origin: ORIGIN, userName: `${userId}@example.com` };
}

// ---------------------------------------------------------------------------------------------
// Finding 4: the backup-eligible (BE) flag may change between registration and use.
// ---------------------------------------------------------------------------------------------
describe('F4 backup eligibility flips', () => {
  it('a single-device key later claiming BE=1 (and the reverse) is accepted and stored inconsistent', async () => {
    const h = makeTwoFactor(new MemoryStore());
    const single = await enroll(h, 'ana', newCred(), { flags: UP | UV });
    let c = await keyChallenge(h, 'ana');
    const up = await h.tf.login.verifyWebauthn(
      c.challengeId,
      assert(single.cred, c.challenge, { flags: UP | UV | BE | BS }),
    );
    expect.soft(up.ok, 'BE went 0 -> 1 and the assertion was accepted').toBe(false);
    const [listed] = await h.tf.webauthn.list('ana');
    expect
      .soft(listed!.backedUp && !listed!.backupEligible, 'a key listed as backed up but not backup eligible')
      .toBe(false);

    const passkey = await enroll(h, 'ben', newCred(), { flags: UP | UV | BE | BS });
    expect((await h.tf.webauthn.list('ben'))[0]).toMatchObject({ backupEligible: true, backedUp: true });
    c = await keyChallenge(h, 'ben');
    const down = await h.tf.login.verifyWebauthn(
      c.challengeId,
      assert(passkey.cred, c.challenge, { flags: UP | UV }),
    );
    expect.soft(down.ok, 'BE went 1 -> 0 and the assertion was accepted').toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// Finding 5: client data saying the ceremony ran in a cross-origin iframe is accepted.
// ---------------------------------------------------------------------------------------------
describe('F5 cross-origin ceremonies', () => {
  it('accepts an assertion and a registration whose client data says crossOrigin: true', async () => {
    const h = makeTwoFactor(new MemoryStore());
    const ana = await enroll(h, 'ana');
    const c = await keyChallenge(h, 'ana');
    const framed = await h.tf.login.verifyWebauthn(
      c.challengeId,
      assert(ana.cred, c.challenge, { client: { crossOrigin: true } }),
    );
    expect
      .soft(framed.ok, 'a login assertion made in a cross-origin iframe (no topOrigin: Safari) is accepted')
      .toBe(false);
    const options = (await h.tf.webauthn.beginRegistration('ben', siteFor('ben'))).options;
    const registered = await h.tf.webauthn.finishRegistration(
      'ben',
      register(newCred(), options, { client: { crossOrigin: true, topOrigin: 'https://evil.test' } }),
      { label: 'framed' },
    );
    expect
      .soft(
        registered.ok,
        'a registration made inside https://evil.test (crossOrigin, topOrigin) is accepted',
      )
      .toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// Finding 6: a new ceremony issued while an assertion is being verified makes verify answer
// `challenge-ended` for a challenge that has not ended; over HTTP the pending login is dropped
// with "Too many failed attempts. Please sign in again."
// ---------------------------------------------------------------------------------------------
describe('F6 ceremony renewed during a verify', () => {
  it('answers challenge-ended although the challenge is still open', async () => {
    const h = makeTwoFactor(new MemoryStore());
    const { cred } = await enroll(h, 'ana');
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { challengeId, challenge } = await keyChallenge(h, 'ana');
      const verifying = h.tf.login.verifyWebauthn(challengeId, assert(cred, challenge));
      await tick();
      await tick();
      // "Use a security key" clicked again in the same pending login.
      const renewed = await h.tf.login.webauthnOptions(challengeId);
      const result = await verifying;
      outcomes.push(`${result.ok ? 'ok' : (result as { reason: string }).reason}/renewed:${renewed.ok}`);
    }
    expect
      .soft(
        outcomes.filter((o) => o.startsWith('challenge-ended') && o.endsWith('renewed:true')),
        `verify said challenge-ended for an open challenge: ${outcomes.join(', ')}`,
      )
      .toEqual([]);
  });
});
