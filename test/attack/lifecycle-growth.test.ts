/**
 * Issue 19 ("years in production"), bounded growth on every store: what the store holds after
 * clients without a session, and clients with only the password, repeat every action they can
 * reach, through a real HTTP host (the adapters take turns over the stores). A fake clock moves
 * the hours.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { routes } from '../../src/http/routes/index.js';
import { MAX_TRUSTED_BROWSERS } from '../../src/services/trusted-device-store.js';
import { storeKeys } from '../../src/store/keys.js';
import type { Store } from '../../src/store/store.js';
import { DAY, enrollEmail, enrollTotp, type Harness, MINUTE, makeTwoFactor } from '../helpers/harness.js';
import { liveRecords } from '../helpers/store-contents.js';
import { storesUnderTest } from '../helpers/stores.js';
import { TestClient } from '../http/support/client.js';
import { hostApps } from '../http/support/host-list.js';
import type { TestHost } from '../http/support/hosts.js';

const HOUR = 60 * MINUTE;
const stores = storesUnderTest();

/** The records `after` holds beyond `before` (the users' own enrolments), by name. */
const beyond = (before: Map<string, number>, after: Map<string, number>) =>
  Object.fromEntries(
    [...after]
      .map(([name, count]) => [name, count - (before.get(name) ?? 0)] as const)
      .filter(([, count]) => count > 0),
  );

for (const [index, store] of stores.entries()) {
  const app = hostApps[index % hostApps.length]!;
  describe.skipIf(store.skip)(`${store.name} through ${app.name}`, () => {
    let h: Harness;
    let host: TestHost;
    const browser = () => new TestClient(host.base);
    /** The live records beyond those of {@link settle}'s moment. */
    let live: () => Promise<Record<string, number>>;
    /** Takes the records live now (the enrolments) as the baseline. */
    let settle: () => Promise<void>;
    let raw: Store;
    beforeEach(async () => {
      const made = await store.make();
      raw = made;
      readDevices = async (userId) =>
        (await made.get(storeKeys.devices(userId), h.clock.now()))?.fields ?? null;
      h = makeTwoFactor(made, { policy: { frequency: { trustDays: 14 } } });
      host = await app.start(h);
      let baseline = new Map<string, number>();
      settle = async () => {
        baseline = await liveRecords(made, h.clock.now());
      };
      live = async () => beyond(baseline, await liveRecords(made, h.clock.now()));
    });
    afterEach(() => host.close());

    it('years in production, item 6: 2,000 password posts leave no records two hours later', async () => {
      await enrollTotp(h, 'ana');
      h.clock.advance(2 * HOUR);
      await settle();
      const posts = Array.from({ length: 2000 }, (_, i) => i);
      // Sixteen browsers at a time: each post is a new session, as an attacker's script makes them.
      for (let i = 0; i < posts.length; i += 16) {
        const answers = await Promise.all(
          posts.slice(i, i + 16).map(() => browser().call('POST', '/password/ana', {})),
        );
        for (const answer of answers) expect(answer.json['status']).toBe('challenge');
      }
      // Meanwhile each waits for its code: a challenge and a session apiece.
      expect(await live()).toEqual({ challenge: 2000, session: 2000 });
      h.clock.advance(2 * HOUR);
      expect(await live()).toEqual({});
    }, 300_000);

    /** Signs `user` in with a code, asking to trust the browser; returns the browser's token. */
    const rememberedSignIn = async (userId: string, secret: string) => {
      const start = await h.tf.login.start(userId);
      if (start.status !== 'challenge') throw new Error(start.status);
      const verified = await h.tf.login.verify(
        start.challengeId,
        h.totp.generateCode(secret, h.clock.now()),
        {
          rememberDevice: true,
        },
      );
      if (!verified.ok || !verified.deviceToken) throw new Error(JSON.stringify(verified));
      h.clock.advance(30_000);
      return verified.deviceToken;
    };
    /** The entries of the user's devices record, expired ones included. */
    const deviceEntries = async (userId: string) => Object.keys((await readDevices(userId)) ?? {}).length;
    let readDevices: (userId: string) => Promise<Record<string, string> | null>;

    it('years in production, item 7: trusted browsers stop at 10 per user, the oldest going', async () => {
      const { secret } = await enrollTotp(h, 'ana');
      const tokens: string[] = [];
      for (let i = 0; i < MAX_TRUSTED_BROWSERS + 2; i++) tokens.push(await rememberedSignIn('ana', secret));
      expect(await h.tf.devices.list('ana')).toHaveLength(MAX_TRUSTED_BROWSERS);
      expect(await deviceEntries('ana')).toBe(MAX_TRUSTED_BROWSERS);
      expect((await h.tf.login.start('ana', { deviceToken: tokens[0] })).status).toBe('challenge');
      expect((await h.tf.login.start('ana', { deviceToken: tokens[1] })).status).toBe('challenge');
      expect((await h.tf.login.start('ana', { deviceToken: tokens[2] })).status).toBe('trusted-device');
      expect((await h.tf.login.start('ana', { deviceToken: tokens.at(-1) })).status).toBe('trusted-device');
    });

    it('years in production, item 7: expired browsers go whenever the record is written; the 6,000 an older version left go at the next sign-in', async () => {
      const { secret } = await enrollTotp(h, 'ana');
      const token = await rememberedSignIn('ana', secret);
      // What months of "remember this browser" left before the cap: 6,000 entries, most expired.
      const now = h.clock.now();
      const old: Record<string, string> = {};
      for (let i = 0; i < 6000; i++) {
        const createdAt = now - (i < 5990 ? 30 : 1) * DAY - i;
        old[`old${String(i).padStart(19, '0')}`] = JSON.stringify({
          label: 'Chrome on Linux',
          createdAt,
          lastUsedAt: createdAt,
          expiresAt: createdAt + 14 * DAY,
        });
      }
      await raw.commit([{ type: 'merge', key: storeKeys.devices('ana'), fields: old }], now);
      expect(await deviceEntries('ana')).toBe(6001);
      // A sign-in on the trusted browser writes the record (its last use): the expired go.
      expect((await h.tf.login.start('ana', { deviceToken: token })).status).toBe('trusted-device');
      expect(await deviceEntries('ana')).toBe(11);
      // A browser trusted now keeps ten in all, the oldest gone.
      await rememberedSignIn('ana', secret);
      expect(await deviceEntries('ana')).toBe(MAX_TRUSTED_BROWSERS);
      expect((await h.tf.login.start('ana', { deviceToken: token })).status).toBe('trusted-device');
    });

    /** Each action a client can take with no session or with the password only, and what it may leave live. */
    const LOOPS = 20;
    const actions: Array<{
      name: string;
      run: () => Promise<void>;
      /** Right after the loop (20 minutes of it). */
      during: Record<string, number>;
      /** Two hours later. */
      later: Record<string, number>;
    }> = [
      {
        name: 'every route, without a session',
        run: async () => {
          const anonymous = browser();
          for (const route of routes) {
            const path = `/2fa${route.path.replace(/:\w+/g, 'x')}`;
            const answer = await anonymous.call(route.method, path, route.method === 'GET' ? undefined : {});
            expect(answer.status, `${route.method} ${path}`).toBeGreaterThanOrEqual(400);
          }
        },
        during: {},
        later: {},
      },
      {
        name: 'the password, then every pending-login route',
        run: async () => {
          const client = browser();
          await client.call('POST', '/password/ana', {});
          await client.call('GET', '/2fa/login');
          await client.call('POST', '/2fa/login/email', {});
          await client.call('POST', '/2fa/login/webauthn/options', {});
          await client.call('POST', '/2fa/login/verify', { code: '000000' });
          await client.call('POST', '/2fa/login/webauthn', { response: {} });
        },
        // A challenge and a waiting session per post; one account count; one send window; one
        // budget of security notices (the account lock tells the user, an hour at a time).
        during: { challenge: LOOPS, session: LOOPS, attempts: 1, 'email-sends': 1, notices: 1 },
        // The account's count keeps its window (30 days without a failure), so its locks hold.
        later: { attempts: 1 },
      },
      {
        name: 'the password of a user who must set up, then every setup route',
        run: async () => {
          const client = browser();
          await client.call('POST', '/password/newbie', {});
          await client.call('GET', '/2fa/status');
          await client.call('POST', '/2fa/totp/setup', {});
          await client.call('POST', '/2fa/totp/confirm', { code: '000000' });
          await client.call('POST', '/2fa/email/setup', { address: 'newbie@example.com' });
          await client.call('POST', '/2fa/email/confirm', { code: '000000' });
        },
        // One pending setup per method and user (a begin replaces the last); a waiting session per post.
        during: { session: LOOPS, 'totp-pending': 1, 'email-pending': 1, 'email-sends': 1 },
        later: {},
      },
    ];
    for (const action of actions) {
      it(`years in production, item 8: ${action.name}, ${LOOPS} times, leaves the store bounded`, async () => {
        await enrollTotp(h, 'ana');
        await enrollEmail(h, 'ana');
        await h.tf.policy.set({ required: true });
        h.clock.advance(2 * HOUR); // the enrolment's own send window ends
        await settle();
        for (let i = 0; i < LOOPS; i++) {
          await action.run();
          h.clock.advance(MINUTE);
        }
        expect(await live(), 'right after').toEqual(action.during);
        h.clock.advance(2 * HOUR);
        expect(await live(), 'two hours later').toEqual(action.later);
      }, 60_000);
    }
  });
}
