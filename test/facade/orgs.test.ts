import { describe, expect, it } from 'vitest';
import type { Actor } from '../../src/core/events.js';
import { enrollTotp, makeTwoFactor, startChallenge } from '../helpers/harness.js';
import { storesUnderTest } from '../helpers/stores.js';

/** Two CloudFon CX sites: agents a1, a2 in site A; b1 in site B; nobody in no site. */
const membership: Record<string, string | null> = { a1: 'site-a', a2: 'site-a', b1: 'site-b', loner: null };
const adminA: Actor = { id: 'admin-a', roles: ['admin'], org: 'site-a' };
const adminB: Actor = { id: 'admin-b', roles: ['admin'], org: 'site-b' };
const operator: Actor = { id: 'operator', roles: ['admin'], org: '*' };

/** A facade with two sites; `asked` records every `authorize` call, `orgCalls` every `orgOf` call. */
function twoSites(store: Parameters<typeof makeTwoFactor>[0], operatorAllowed = false) {
  const asked: string[] = [];
  const orgCalls: string[] = [];
  const h = makeTwoFactor(store, {
    orgOf: (userId) => {
      orgCalls.push(userId);
      return membership[userId] ?? null;
    },
    authorize: (actor, action, target) => {
      asked.push(`${actor.id}:${action}:${target}`);
      if (actor.org === '*') return operatorAllowed ? 'any-org' : true;
      return actor.roles?.includes('admin') === true;
    },
  });
  return { ...h, asked, orgCalls };
}

/** Logs in with TOTP, remembering the browser; returns the device token. */
async function trustBrowser(h: ReturnType<typeof twoSites>, userId: string, secret: string) {
  const { challengeId } = await startChallenge(h, userId);
  const verified = await h.tf.login.verify(challengeId, h.totp.generateCode(secret, h.clock.now()), {
    rememberDevice: true,
  });
  if (!verified.ok || !verified.deviceToken) throw new Error('no device token');
  h.clock.advance(30_000);
  return verified.deviceToken;
}

for (const target of storesUnderTest()) {
  describe.skipIf(target.skip)(`organizations (${target.name})`, () => {
    it('two orgs with different frequencies at once: each login follows its own org', async () => {
      const h = twoSites(await target.make());
      await h.tf.policy.set({ frequency: { trustDays: 14 } }, { org: 'site-a', actor: adminA });
      await h.tf.policy.set({ frequency: 'every-login' }, { org: 'site-b', actor: adminB });
      const a = await enrollTotp(h, 'a1');
      const b = await enrollTotp(h, 'b1');
      const aDevice = await trustBrowser(h, 'a1', a.secret);
      const bDevice = await trustBrowser(h, 'b1', b.secret).catch(() => undefined);
      expect(await h.tf.login.start('a1', { deviceToken: aDevice })).toMatchObject({
        status: 'trusted-device',
      });
      // Site B asks every time: a remembered browser (none is even issued) changes nothing.
      expect(bDevice).toBeUndefined();
      expect((await h.tf.login.start('b1')).status).toBe('challenge');
      expect((await h.tf.policy.get({ org: 'site-a' })).frequency).toEqual({ trustDays: 14 });
      expect((await h.tf.policy.get({ userId: 'b1' })).frequency).toBe('every-login');
      // The platform policy is untouched (the code default).
      expect((await h.tf.policy.get()).frequency).toBe('every-login');
      expect((await h.tf.policy.get({ userId: 'loner' })).frequency).toBe('every-login');
    });

    it('switching one org to every-login untrusts only that org’s browsers', async () => {
      const h = twoSites(await target.make());
      await h.tf.policy.set({ frequency: { trustDays: 30 } });
      const a = await enrollTotp(h, 'a1');
      const b = await enrollTotp(h, 'b1');
      const aDevice = await trustBrowser(h, 'a1', a.secret);
      const bDevice = await trustBrowser(h, 'b1', b.secret);
      await h.tf.policy.set({ frequency: 'every-login' }, { org: 'site-a', actor: adminA });
      expect((await h.tf.login.start('a1', { deviceToken: aDevice })).status).toBe('challenge');
      expect((await h.tf.login.start('b1', { deviceToken: bDevice })).status).toBe('trusted-device');
      // Back to trusted browsers: the ones from before the switch stay untrusted.
      await h.tf.policy.set({ frequency: { trustDays: 30 } }, { org: 'site-a', actor: adminA });
      expect((await h.tf.login.start('a1', { deviceToken: aDevice })).status).toBe('challenge');
      expect((await h.tf.policy.get({ org: 'site-b' })).devicesTrustedFrom).toBe(0);
    });

    it('layers: code defaults < createTwoFactor policy < platform < org, and an org keeps only what it changed', async () => {
      const layered = makeTwoFactor(await target.make(), {
        orgOf: (userId) => membership[userId] ?? null,
        policy: { challengeTtlMs: 20 * 60_000, emailSendsPerHour: 7 },
      });
      await layered.tf.policy.set({ emailSendsPerHour: 5, stepUpMaxAgeMs: 5 * 60_000 });
      await layered.tf.policy.set({ emailSendsPerHour: 3 }, { org: 'site-a' });
      const a = await layered.tf.policy.get({ org: 'site-a' });
      expect(a).toMatchObject({
        challengeTtlMs: 20 * 60_000,
        emailSendsPerHour: 3,
        stepUpMaxAgeMs: 5 * 60_000,
      });
      // A later platform change reaches the org in what the org did not change.
      await layered.tf.policy.set({ stepUpMaxAgeMs: 15 * 60_000, emailSendsPerHour: 9 });
      expect(await layered.tf.policy.get({ org: 'site-a' })).toMatchObject({
        stepUpMaxAgeMs: 15 * 60_000,
        emailSendsPerHour: 3,
      });
      expect((await layered.tf.policy.get({ org: 'site-b' })).emailSendsPerHour).toBe(9);
      expect((await layered.tf.policy.get()).emailSendsPerHour).toBe(9);
    });

    it('an admin of one org is refused on another org’s agent for every admin action, before authorize is asked', async () => {
      const h = twoSites(await target.make());
      await enrollTotp(h, 'a1');
      await enrollTotp(h, 'b1');
      const refused = { code: 'NOT_AUTHORIZED' };
      await expect(h.tf.admin.issueBackupCode(adminA, 'b1')).rejects.toMatchObject(refused);
      await expect(h.tf.admin.reset(adminA, 'b1')).rejects.toMatchObject(refused);
      await expect(h.tf.admin.status(adminA, 'b1')).rejects.toMatchObject(refused);
      await expect(
        h.tf.policy.set({ required: true }, { org: 'site-b', actor: adminA }),
      ).rejects.toMatchObject(refused);
      // The platform policy is nobody's own org: an org admin cannot set it either.
      await expect(h.tf.policy.set({ required: true }, { actor: adminA })).rejects.toMatchObject(refused);
      await expect(
        h.tf.policy.set({ required: true }, { actor: { id: 'x', roles: ['admin'] } }),
      ).rejects.toMatchObject(refused);
      // A user in no org is outside site A too; an actor with no org is outside every site.
      await expect(h.tf.admin.status(adminA, 'loner')).rejects.toMatchObject(refused);
      await expect(h.tf.admin.status({ id: 'x', roles: ['admin'] }, 'a1')).rejects.toMatchObject(refused);
      expect(h.asked).toEqual([]);
      expect((await h.tf.status('b1')).totp).toBe(true);
      expect((await h.tf.policy.get({ org: 'site-b' })).required).toBe(false);
      // Inside its own org, authorize decides as before.
      expect((await h.tf.admin.status(adminA, 'a1')).totp).toBe(true);
      expect((await h.tf.admin.issueBackupCode(adminA, 'a1')).code).toBeTruthy();
      await h.tf.admin.reset(adminA, 'a1');
      expect((await h.tf.policy.set({ required: true }, { org: 'site-a', actor: adminA })).required).toBe(
        true,
      );
      expect(h.asked).toEqual([
        'admin-a:read-status:a1',
        'admin-a:issue-backup-code:a1',
        'admin-a:reset-2fa:a1',
        'admin-a:set-policy:',
      ]);
      await expect(
        h.tf.admin.issueBackupCode({ id: 'agent-a', roles: ['agent'], org: 'site-a' }, 'a2'),
      ).rejects.toMatchObject(refused);
      expect(h.events.find((e) => e.type === 'policy.changed')).toMatchObject({
        org: 'site-a',
        actor: adminA,
      });
    });

    it("an operator (org '*') acts across orgs only when authorize answers 'any-org'", async () => {
      const closed = twoSites(await target.make(), false);
      await enrollTotp(closed, 'b1');
      await expect(closed.tf.admin.status(operator, 'b1')).rejects.toMatchObject({ code: 'NOT_AUTHORIZED' });
      await expect(closed.tf.admin.reset(operator, 'b1')).rejects.toMatchObject({ code: 'NOT_AUTHORIZED' });
      const open = twoSites(await target.make(), true);
      await enrollTotp(open, 'b1');
      expect((await open.tf.admin.status(operator, 'b1')).totp).toBe(true);
      await open.tf.admin.reset(operator, 'b1');
      expect((await open.tf.status('b1')).enabled).toBe(false);
      // The event is about site B's agent: it carries site B, the actor says it was an operator.
      expect(open.events.find((e) => e.type === 'admin.reset')).toMatchObject({
        org: 'site-b',
        actor: operator,
      });
      await enrollTotp(open, 'loner');
      await open.tf.admin.issueBackupCode(operator, 'loner');
      expect(open.events.find((e) => e.type === 'admin.backup-code-issued')).not.toHaveProperty('org');
      expect(
        (await open.tf.policy.set({ required: true }, { org: 'site-b', actor: operator })).required,
      ).toBe(true);
      expect((await open.tf.policy.set({ required: true }, { actor: operator })).required).toBe(true);
    });

    it('a policy stored before organizations (format 1) reads unchanged, and the next save writes format 2', async () => {
      const store = await target.make();
      await store.commit(
        [
          {
            type: 'insert',
            key: 'policy',
            fields: { overrides: '{"required":true}', version: '4' },
            expiresAt: null,
          },
        ],
        0,
      );
      const h = twoSites(store);
      expect((await h.tf.policy.get({ org: 'site-a' })).required).toBe(true);
      expect((await h.tf.login.start('a1')).status).toBe('setup-required');
      await h.tf.policy.set({ frequency: { trustDays: 2 } });
      expect((await store.get('policy', h.clock.now()))?.fields).toEqual({
        overrides: '{"required":true,"frequency":{"trustDays":2}}',
        version: '5',
        format: '2',
      });
      await store.commit(
        [{ type: 'put', key: 'policy', fields: { overrides: '{}', format: '3' }, expiresAt: null }],
        0,
      );
      await expect(h.tf.policy.get()).rejects.toMatchObject({ code: 'CONFIG' });
    });

    it('login.start reads the org policy beside the platform policy and the user: no read waits for another', async () => {
      const real = await target.make();
      const calls: string[] = [];
      let inFlight = 0;
      let mostInFlight = 0;
      const store = new Proxy(real, {
        get(object, property) {
          const value: unknown = Reflect.get(object, property, object);
          if (typeof value !== 'function') return value;
          return async (...args: unknown[]) => {
            calls.push(String(property));
            inFlight++;
            mostInFlight = Math.max(mostInFlight, inFlight);
            try {
              return await Reflect.apply(value, object, args);
            } finally {
              inFlight--;
            }
          };
        },
      });
      const h = twoSites(store);
      await enrollTotp(h, 'a1');
      // The enrolment's security notice reads the user's address in the background: let it finish first.
      await h.tf.notices.settled();
      calls.length = 0;
      mostInFlight = 0;
      await startChallenge(h, 'a1');
      // The two policy records and the user's records, all asked at once; then the challenge's commit.
      expect(calls.filter((call) => call === 'get')).toHaveLength(2);
      expect(calls.at(-1)).toBe('commit');
      // The two policy reads at once (a store that answers in the same tick may finish the user's first).
      expect(mostInFlight).toBeGreaterThanOrEqual(2);
    });

    it('orgOf is asked once per user per call, and again at the next call', async () => {
      const h = twoSites(await target.make());
      const { secret } = await enrollTotp(h, 'a1');
      h.orgCalls.length = 0;
      const { challengeId } = await startChallenge(h, 'a1');
      expect(h.orgCalls).toEqual(['a1']);
      await h.tf.login.verify(challengeId, h.totp.generateCode(secret, h.clock.now()));
      expect(h.orgCalls).toEqual(['a1', 'a1']);
      await h.tf.admin.issueBackupCode(adminA, 'a1');
      expect(h.orgCalls).toEqual(['a1', 'a1', 'a1']);
    });

    it('a bad org from orgOf is a CONFIG error, never a silently wrong scope', async () => {
      const h = makeTwoFactor(await target.make(), { orgOf: () => '*' });
      await expect(h.tf.login.start('a1')).rejects.toMatchObject({ code: 'CONFIG' });
      await expect(h.tf.policy.get({ org: '*' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    });

    it('without orgOf, nothing changes: actor.org is only carried on events, one policy for all', async () => {
      const h = makeTwoFactor(await target.make());
      await enrollTotp(h, 'b1');
      expect((await h.tf.admin.status(adminA, 'b1')).totp).toBe(true);
      await h.tf.policy.set({ frequency: { trustDays: 3 } }, { actor: adminA });
      expect((await h.tf.policy.get({ userId: 'b1' })).frequency).toEqual({ trustDays: 3 });
      expect(h.events.find((e) => e.type === 'policy.changed')?.org).toBe('site-a');
    });
  });
}
