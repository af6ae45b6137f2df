import { expect, it } from 'vitest';
import { hotpCode } from '../../examples/custom-method/hotp-codes.js';
import { hotpTokenMethod } from '../../examples/custom-method/hotp-token.js';
import { methodsOf } from '../../src/app/facade-methods.js';
import { MemorySender, methodApi, type TwoFactorOptions } from '../../src/entries/index.js';
import { routeTable } from '../../src/http/routes/index.js';
import { MINUTE } from '../helpers/harness.js';
import { forEachHost } from './support/suite.js';

const SEED = Buffer.from('3132333435363738393031323334353637383930', 'hex');
const seedOf = async (serial: string) => (serial === 'FT-0042' ? SEED.toString('hex') : null);

/**
 * A host's own method over every adapter, through the HTTP conformance suite as it is: its routes
 * are mounted, guarded, validated and documented like the built-in ones (every answer is checked
 * against the OpenAPI document of the facade's route table).
 */
forEachHost(
  (ctx) => {
    it("its setup, confirmation and login go through the layer's guards, bodies and sessions", async () => {
      const client = ctx.browser();
      expect((await client.call('POST', '/password/ana', {})).json['status']).toBe('not-required');
      expect(await client.call('POST', '/2fa/hotp-token/setup', { serial: 42 })).toMatchObject({
        status: 400,
        json: { error: 'invalid-input', field: 'serial' },
      });
      expect(await client.call('POST', '/2fa/hotp-token/setup', { serial: 'FT-9999' })).toMatchObject({
        status: 409,
        json: { ok: false, reason: 'unknown-token', message: 'No token has this serial number.' },
      });
      expect((await client.call('POST', '/2fa/hotp-token/setup', { serial: 'FT-0042' })).status).toBe(200);
      const confirmed = await client.call('POST', '/2fa/hotp-token/confirm', { code: hotpCode(SEED, 1) });
      expect(confirmed.json['backupCodes']).toHaveLength(10);
      expect((await client.call('GET', '/2fa/status')).json).toMatchObject({
        enabled: true,
        hotpToken: true,
      });
      ctx.h.clock.advance(MINUTE);
      const next = ctx.browser();
      await next.call('POST', '/password/ana', {});
      expect((await next.call('GET', '/2fa/login')).json['methods']).toEqual(['hotp-token', 'backup-code']);
      expect(await next.call('POST', '/2fa/login/verify', { code: hotpCode(SEED, 2) })).toMatchObject({
        status: 200,
        json: { ok: true, method: 'hotp-token' },
      });
      // Turning it off is a step-up change like any factor's.
      ctx.h.clock.advance(11 * MINUTE);
      expect((await next.call('POST', '/2fa/disable', { method: 'hotp-token' })).status).toBe(403);
    });

    it('every route of the table, its own included, refuses a browser that only gave a password', async () => {
      const tokens = methodApi(ctx.h.tf, hotpTokenMethod);
      await tokens.beginSetup('ana', 'FT-0042');
      expect((await tokens.confirmSetup('ana', hotpCode(SEED, 1))).ok).toBe(true);
      const client = ctx.browser();
      expect((await client.call('POST', '/password/ana', {})).json['status']).toBe('challenge');
      const table = routeTable(methodsOf(ctx.h.tf).modules);
      expect(table.map((route) => route.path)).toEqual(
        expect.arrayContaining(['/hotp-token/setup', '/phone/setup']),
      );
      for (const route of table.filter((r) => r.guard !== 'pending' && r.guard !== 'none')) {
        const path = `/2fa${route.path.replace(/:\w+/g, 'x')}`;
        const answer = await client.call(route.method, path, route.method === 'GET' ? undefined : {});
        const label = `${route.method} ${route.path}`;
        // A body is checked first (400 names the field, nothing else is said); then the guard.
        if (answer.status === 400) expect(answer.json['error'], label).toBe('invalid-input');
        else expect(answer.json['error'], label).toBe('second-factor-required');
      }
    });
  },
  {
    methods: [hotpTokenMethod],
    hotpToken: { seedOf },
    phone: { sender: new MemorySender() },
  } as Partial<TwoFactorOptions>,
);
