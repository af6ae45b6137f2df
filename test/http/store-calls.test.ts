import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySender } from '../../src/entries/index.js';
import type {
  WebauthnCreationOptions,
  WebauthnRequestOptions,
} from '../../src/methods/webauthn/webauthn-json.js';
import { countedStore } from '../helpers/counted-store.js';
import { enrollTotp, type Harness, MINUTE, makeTwoFactor } from '../helpers/harness.js';
import { SoftAuthenticator } from '../helpers/soft-authenticator.js';
import { storesUnderTest } from '../helpers/stores.js';
import { TestClient } from './support/client.js';
import { hostApps } from './support/host-list.js';
import type { TestHost } from './support/hosts.js';
import { registerKey } from './support/security-keys.js';

/** A setup begun: where its confirmation goes, a wrong proof, and the right one. */
interface Setup {
  path: string;
  wrong: unknown;
  right: () => unknown;
}

const SITE = { rpId: 'example.com', rpName: 'CloudFon CX', origin: 'https://cx.example.com' };

const sender = new MemorySender();
const lastText = (to: string) => sender.lastTo(to)?.text.match(/\b(\d{6})\b/)?.[1] ?? '';
let numbers = 0;
/** A number of its own for each setup (each has its own send budget). */
const nextNumber = () => `+1415555${String(1000 + numbers++)}`;

/**
 * The floor of a sign-in over HTTP (issue 24): a right code costs two store round trips (the
 * attempt with the session check, the success with the signed-in session), a wrong one one, on
 * every store and adapter. The same for every setup's confirmation (the session check and the
 * step-up rule in the attempt's commit, the session's change in the enable commit). A call added
 * anywhere on the way fails this.
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
          const counting = countedStore(await storeUnderTest.make());
          // Every store method is a round trip: the sum over them is the request's.
          calls = () => Object.values(counting.calls).reduce((sum, count) => sum + count, 0);
          // The policy as apps run it: cached (the harness reads it fresh on every call). Security
          // notices go out after the answer, off the request's path: off here, so none lands mid-count.
          h = makeTwoFactor(counting.store, { policyCacheMs: 60_000, notify: false, phone: { sender } });
          host = await app.start(h, { webauthn: SITE });
        });
        afterAll(() => host.close());

        /** The store calls one request makes, and its status. */
        const measured = async (client: TestClient, path: string, body: unknown) => {
          const before = calls();
          const answer = await client.call('POST', path, body);
          return { status: answer.status, calls: calls() - before };
        };

        it("a step-up guarded route: 1 call (the session's check), the policy as sign-ins read it", async () => {
          const { secret } = await enrollTotp(h, 'guarded');
          const client = new TestClient(host.base);
          await client.call('POST', '/password/guarded', {});
          const code = h.totp.generateCode(secret, h.clock.now());
          expect((await client.call('POST', '/2fa/login/verify', { code })).status).toBe(200);
          const before = calls();
          expect((await client.call('POST', '/app/sensitive', {})).status).toBe(200);
          expect(calls() - before).toBe(1);
        });

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

        /** A setup session: the policy requires 2FA and `userId` has no method yet. */
        const setupSession = async (userId: string) => {
          const client = new TestClient(host.base);
          expect((await client.call('POST', `/password/${userId}`, {})).json['status']).toBe(
            'setup-required',
          );
          return client;
        };

        /** A signed-in session with a fresh second factor (an app enrolled first): it may add a method. */
        const steppedUp = async (userId: string) => {
          const { secret } = await enrollTotp(h, userId);
          const client = new TestClient(host.base);
          expect((await client.call('POST', `/password/${userId}`, {})).json['status']).toBe('challenge');
          const code = h.totp.generateCode(secret, h.clock.now());
          expect((await client.call('POST', '/2fa/login/verify', { code })).status).toBe(200);
          // Past the step of that code: a new app's first code must be above the user's floor.
          h.clock.advance(30_000);
          return client;
        };

        /**
         * Each setup a method has: begun on `client` (outside the count), then its confirmation with a
         * wrong proof (1 call: the attempt, with the user's and the session's records and the step-up
         * rule's guard) and with the right one (2: the attempt; the enable with the session's change).
         * Not counted here, off the floor on purpose: an attempt refused outright (no setup pending,
         * locked) reads the session apart (2 calls), so a closed session is still answered 401 first;
         * a first factor enabled while another was (its commit's guard fails) commits again alone (3).
         */
        const setups: Record<string, (client: TestClient, userId: string) => Promise<Setup>> = {
          async totp(client: TestClient) {
            const setup = await client.call('POST', '/2fa/totp/setup', {});
            expect(setup.status).toBe(200);
            const secret = String(setup.json['secret']);
            return {
              path: '/2fa/totp/confirm',
              wrong: { code: '000000' },
              right: () => ({ code: h.totp.generateCode(secret, h.clock.now()) }),
            };
          },
          async email(client: TestClient, userId: string) {
            const address = `${userId}@calls.example.com`;
            expect((await client.call('POST', '/2fa/email/setup', { address })).status).toBe(200);
            return {
              path: '/2fa/email/confirm',
              wrong: { code: '000000' },
              right: () => ({ code: h.lastEmailCode(address) }),
            };
          },
          async phone(client: TestClient) {
            const number = nextNumber();
            expect((await client.call('POST', '/2fa/phone/setup', { number })).status).toBe(200);
            return {
              path: '/2fa/phone/confirm',
              wrong: { code: '000000' },
              right: () => ({ code: lastText(number) }),
            };
          },
          async 'security key'(client: TestClient) {
            const key = new SoftAuthenticator();
            const creation = (await client.call('POST', '/2fa/webauthn/register/options', {}))
              .json as unknown as WebauthnCreationOptions;
            return {
              path: '/2fa/webauthn/register',
              // Made on another site: refused, its attempt counted.
              wrong: { response: key.create(creation, 'https://evil.test') },
              right: () => ({ response: key.create(creation, SITE.origin) }),
            };
          },
        };

        const atTheFloor = async (client: TestClient, setup: Setup) => {
          expect(await measured(client, setup.path, setup.wrong)).toEqual({ status: 401, calls: 1 });
          return measured(client, setup.path, setup.right());
        };

        it('setup confirms: 1 call for a wrong code, 2 for a right one (a signed-in first method, then added after step-up)', async () => {
          // Signed in without 2FA: the first method keeps this session open through 2FA turning on.
          const client = new TestClient(host.base);
          expect((await client.call('POST', '/password/noor', {})).json['status']).toBe('not-required');
          expect(await atTheFloor(client, await setups['totp']!(client, 'noor'))).toEqual({
            status: 200,
            calls: 2,
          });
          expect((await client.call('GET', '/app')).status).toBe(200);
          for (const [name, begin] of Object.entries(setups)) {
            const userId = `added-${name.replace(' ', '-')}`;
            const added = await steppedUp(userId);
            expect(await atTheFloor(added, await begin(added, userId)), name).toEqual({
              status: 200,
              calls: 2,
            });
            expect((await added.call('GET', '/app')).status, name).toBe(200);
          }
        });

        it('setup confirms of a required first method: 1 call for a wrong code, 2 for a right one, signed in', async () => {
          await h.tf.policy.set({ required: true });
          for (const [name, begin] of Object.entries(setups)) {
            const userId = `first-${name.replace(' ', '-')}`;
            const client = await setupSession(userId);
            expect(await atTheFloor(client, await begin(client, userId)), name).toEqual({
              status: 200,
              calls: 2,
            });
            // The setup session signed in with the enable commit: the app lets it in, no call more.
            expect((await client.call('GET', '/app')).status, name).toBe(200);
          }
          await h.tf.policy.set({ required: false });
        });
      },
    );
  }
}
