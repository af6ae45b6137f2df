import { expect, it } from 'vitest';
import { DAY, enrollTotp } from '../helpers/harness.js';
import { forEachHost } from './support/suite.js';

/** Site A: ana (who signs in as admin), abe; site B: ben. */
const membership: Record<string, string> = { ana: 'site-a', abe: 'site-a', ben: 'site-b' };

/** Organizations over HTTP: the same on Express, Fastify and Hono. */
forEachHost(
  (ctx) => {
    it("an admin of site A gets 403 on site B's agent for every admin action; its own site's work", async () => {
      const ana = await enrollTotp(ctx.h, 'ana');
      await enrollTotp(ctx.h, 'abe');
      await enrollTotp(ctx.h, 'ben');
      const client = ctx.browser();
      await ctx.signIn(client, 'ana', ana.secret);
      const adminA = { headers: { 'x-admin': '1', 'x-org': 'site-a' } };
      for (const [method, path] of [
        ['POST', '/2fa/admin/users/ben/backup-code'],
        ['POST', '/2fa/admin/users/ben/reset'],
        ['GET', '/2fa/admin/users/ben/status'],
      ] as const) {
        const answer = await client.call(method, path, method === 'GET' ? undefined : {}, adminA);
        expect(answer.status, `${method} ${path}`).toBe(403);
        expect(answer.json['error'], `${method} ${path}`).toBe('not-authorized');
      }
      expect((await ctx.h.tf.status('ben')).totp).toBe(true);
      expect((await client.call('GET', '/2fa/admin/users/abe/status', undefined, adminA)).json).toMatchObject(
        {
          enabled: true,
          totp: true,
        },
      );
      expect((await client.call('POST', '/2fa/admin/users/abe/backup-code', {}, adminA)).status).toBe(200);
      expect((await client.call('POST', '/2fa/admin/users/abe/reset', {}, adminA)).status).toBe(200);
      expect((await ctx.h.tf.status('abe')).enabled).toBe(false);
    });

    it("PUT /policy changes the admin's own site only; GET /policy answers the signed-in user's site", async () => {
      const ana = await enrollTotp(ctx.h, 'ana');
      const ben = await enrollTotp(ctx.h, 'ben');
      const adminA = { headers: { 'x-admin': '1', 'x-org': 'site-a' } };
      const client = ctx.browser();
      await ctx.signIn(client, 'ana', ana.secret);
      const put = await client.call('PUT', '/2fa/policy', { frequency: { trustDays: 7 } }, adminA);
      expect(put.json['frequency']).toEqual({ trustDays: 7 });
      expect((await client.call('GET', '/2fa/policy')).json['frequency']).toEqual({ trustDays: 7 });
      const other = ctx.browser();
      await ctx.signIn(other, 'ben', ben.secret);
      expect((await other.call('GET', '/2fa/policy')).json['frequency']).toBe('every-login');
      expect((await ctx.h.tf.policy.get()).frequency).toBe('every-login');
      // An admin whose actor names no site has no site to change: the platform's is not its own.
      const noOrg = await client.call(
        'PUT',
        '/2fa/policy',
        { required: true },
        { headers: { 'x-admin': '1' } },
      );
      expect(noOrg.status).toBe(403);
      // An operator ('*', allowed by authorize) changes the platform policy.
      const operator = { headers: { 'x-admin': '1', 'x-operator': '1' } };
      expect((await client.call('PUT', '/2fa/policy', { required: true }, operator)).status).toBe(200);
      expect((await ctx.h.tf.policy.get({ org: 'site-b' })).required).toBe(true);
    });

    it("GET /admin/overview counts the admin's site from the host's list; another site's user in it is 403", async () => {
      const ana = await enrollTotp(ctx.h, 'ana');
      await enrollTotp(ctx.h, 'ben');
      const client = ctx.browser();
      await ctx.signIn(client, 'ana', ana.secret);
      const adminA = (users: string) => ({
        headers: { 'x-admin': '1', 'x-org': 'site-a', 'x-users': users },
      });
      const overview = await client.call('GET', '/2fa/admin/overview', undefined, adminA('ana,abe'));
      expect(overview.json).toEqual({
        users: 2,
        enrolled: 1,
        byMethod: { totp: 1 },
        withoutTwoFactor: 1,
        inGrace: 0,
        required: 0,
        lockedNow: 0,
        lowBackupCodes: 0,
      });
      const mixed = await client.call('GET', '/2fa/admin/overview', undefined, adminA('ana,ben'));
      expect(mixed.status).toBe(403);
    });

    it('a grace rule: the password signs in with setup-recommended; past the deadline, setup comes first', async () => {
      const deadline = ctx.h.clock.now() + 7 * DAY;
      await ctx.h.tf.policy.set({ required: { deadline } }, { org: 'site-a' });
      const client = ctx.browser();
      expect((await client.call('POST', '/password/abe', {})).json).toEqual({
        status: 'setup-recommended',
        deadline,
      });
      expect((await client.call('GET', '/app')).status).toBe(200);
      ctx.h.clock.set(deadline);
      // The open session follows the rule at its next request.
      expect((await client.call('GET', '/app')).json['error']).toBe('setup-required');
      const later = ctx.browser();
      expect((await later.call('POST', '/password/abe', {})).json['status']).toBe('setup-required');
      expect((await ctx.browser().call('POST', '/password/ben', {})).json['status']).toBe('not-required');
    });
  },
  {
    orgOf: (userId) => membership[userId] ?? null,
    authorize: (actor) => (actor.org === '*' ? 'any-org' : actor.roles?.includes('admin') === true),
  },
);
