import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebauthnRequestOptions } from '../../src/methods/webauthn/webauthn-json.js';
import type { Store } from '../../src/store/store.js';
import { enrollTotp, type Harness, MINUTE, makeTwoFactor } from '../helpers/harness.js';
import { SoftAuthenticator } from '../helpers/soft-authenticator.js';
import { storesUnderTest } from '../helpers/stores.js';
import { TestClient } from './support/client.js';
import { hostApps } from './support/host-list.js';
import type { TestHost } from './support/hosts.js';
import { registerKey } from './support/security-keys.js';

/** `store`, counting its round trips (every `get`, `getMany` and `commit`). */
function countingStore(store: Store): { store: Store; calls: () => number } {
  let calls = 0;
  const counted = <T>(work: () => Promise<T>) => {
    calls++;
    return work();
  };
  return {
    calls: () => calls,
    store: {
      get: (key, now) => counted(() => store.get(key, now)),
      getMany: (keys, now) => counted(() => store.getMany(keys, now)),
      commit: (ops, now, read) => counted(() => store.commit(ops, now, read)),
    },
  };
}

const SITE = { rpId: 'example.com', rpName: 'CloudFon CX', origin: 'https://cx.example.com' };

/**
 * The floor of a sign-in over HTTP (issue 24): a right code costs two store round trips (the
 * attempt with the session check, the success with the signed-in session), a wrong one one, on
 * every store and adapter. A call added anywhere on the way fails this.
 */
for (const storeUnderTest of storesUnderTest()) {
  for (const app of hostApps) {
    describe.skipIf(storeUnderTest.skip)(
      `store calls per request: ${app.name} on ${storeUnderTest.name}`,
      () => {
        let h: Harness;
        let host: TestHost;
        let calls: () => number;
        beforeAll(async () => {
          const counting = countingStore(await storeUnderTest.make());
          calls = counting.calls;
          // The policy as apps run it: cached (the harness reads it fresh on every call). Security
          // notices go out after the answer, off the request's path: off here, so none lands mid-count.
          h = makeTwoFactor(counting.store, { policyCacheMs: 60_000, notify: false });
          host = await app.start(h, { webauthn: SITE });
        });
        afterAll(() => host.close());

        /** The store calls one request makes, and its status. */
        const measured = async (client: TestClient, path: string, body: unknown) => {
          const before = calls();
          const answer = await client.call('POST', path, body);
          return { status: answer.status, calls: calls() - before };
        };

        it('login verify: 1 call for a wrong code, 2 for a right one', async () => {
          const { secret } = await enrollTotp(h, 'ana');
          const client = new TestClient(host.base);
          await client.call('POST', '/password/ana', {});
          expect(await measured(client, '/2fa/login/verify', { code: '000000' })).toEqual({
            status: 401,
            calls: 1,
          });
          const code = h.totp.generateCode(secret, h.clock.now());
          // Trusting the browser too: its record is read in the attempt's commit.
          expect(await measured(client, '/2fa/login/verify', { code, rememberDevice: true })).toEqual({
            status: 200,
            calls: 2,
          });
          h.clock.advance(30_000);
          expect((await client.call('POST', '/2fa/step-up/start', {})).status).toBe(200);
          expect(await measured(client, '/2fa/step-up/verify', { code: '000000' })).toEqual({
            status: 401,
            calls: 1,
          });
          const stepUpCode = h.totp.generateCode(secret, h.clock.now());
          expect(await measured(client, '/2fa/step-up/verify', { code: stepUpCode })).toEqual({
            status: 200,
            calls: 2,
          });
        });

        it('security key: 1 call for a refused key, 2 for a right one, at login and at step-up', async () => {
          const key = new SoftAuthenticator();
          const owner = new TestClient(host.base);
          await owner.call('POST', '/password/kim', {});
          expect((await registerKey(owner, key, SITE.origin)).status).toBe(200);
          const client = new TestClient(host.base);
          expect((await client.call('POST', '/password/kim', {})).json['status']).toBe('challenge');
          const held = key.held[0]!;
          /** A ceremony's options, and a response signed for another site (refused, attempt counted). */
          const ceremony = async (path: string) => {
            const request = (await client.call('POST', path, {})).json['options'] as WebauthnRequestOptions;
            held.counter += 1;
            return { request, foreign: key.sign(held, request.challenge, 'https://evil.test', request.rpId) };
          };
          const login = await ceremony('/2fa/login/webauthn/options');
          expect(await measured(client, '/2fa/login/webauthn', { response: login.foreign })).toEqual({
            status: 401,
            calls: 1,
          });
          const right = { response: key.get(login.request, SITE.origin) };
          expect(await measured(client, '/2fa/login/webauthn', right)).toEqual({ status: 200, calls: 2 });
          h.clock.advance(11 * MINUTE);
          expect((await client.call('POST', '/2fa/step-up/start', {})).status).toBe(200);
          const stepUp = await ceremony('/2fa/step-up/webauthn/options');
          expect(await measured(client, '/2fa/step-up/webauthn', { response: stepUp.foreign })).toEqual({
            status: 401,
            calls: 1,
          });
          const stepUpRight = { response: key.get(stepUp.request, SITE.origin) };
          expect(await measured(client, '/2fa/step-up/webauthn', stepUpRight)).toEqual({
            status: 200,
            calls: 2,
          });
        });

        // Not at the floor yet (issue 24): the guard's check, the status read of the step-up rule, the
        // attempt | the enable commit, the session's `since` read and its open. Pinned where they are,
        // so that a call added still fails.
        it('setup confirm of a required first method: 3 calls for a wrong code, 6 for a right one', async () => {
          await h.tf.policy.set({ required: true });
          const client = new TestClient(host.base);
          await client.call('POST', '/password/ben', {});
          const setup = await client.call('POST', '/2fa/totp/setup', {});
          expect(setup.status).toBe(200);
          const secret = String(setup.json['secret']);
          expect(await measured(client, '/2fa/totp/confirm', { code: '000000' })).toEqual({
            status: 401,
            calls: 3,
          });
          const code = h.totp.generateCode(secret, h.clock.now());
          expect(await measured(client, '/2fa/totp/confirm', { code })).toEqual({ status: 200, calls: 6 });
        });
      },
    );
  }
}
