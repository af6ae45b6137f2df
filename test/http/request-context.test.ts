import { expect, it } from 'vitest';
import { enrollTotp } from '../helpers/harness.js';
import { forEachHost } from './support/suite.js';

/** The request of the events a password step raised (`challenge.started`). */
const startedRequest = (events: Array<{ type: string; request?: unknown }>) =>
  events.filter((e) => e.type === 'challenge.started').at(-1)?.request as Record<string, unknown> | undefined;

forEachHost((ctx) => {
  it('events carry the request id: the host’s header, else a fresh one; nothing else by default', async () => {
    await enrollTotp(ctx.h, 'ana');
    const client = ctx.browser();
    await client.call(
      'POST',
      '/password/ana',
      {},
      { headers: { 'x-request-id': 'req-7f3a', 'user-agent': 'Probe/1.0' } },
    );
    expect(startedRequest(ctx.h.events)).toEqual({ id: 'req-7f3a' });
    await client.call('POST', '/password/ana', {}, { headers: { 'x-request-id': 'bad id; forged' } });
    expect(startedRequest(ctx.h.events)?.['id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('requestContext: the socket address and the user agent, control characters removed', async () => {
    await ctx.restart({ requestContext: { clientAddress: 'socket', userAgent: true } });
    await enrollTotp(ctx.h, 'ana');
    await ctx.browser().call('POST', '/password/ana', {}, { headers: { 'user-agent': 'Probe/1.0 \t(X11)' } });
    expect(startedRequest(ctx.h.events)).toMatchObject({
      clientAddress: '127.0.0.1',
      userAgent: 'Probe/1.0 (X11)',
    });
  });

  it('requestContext behind a proxy: the address the proxy appended, never one the client forged', async () => {
    await ctx.restart({ requestContext: { clientAddress: { header: 'x-forwarded-for' } } });
    await enrollTotp(ctx.h, 'ana');
    const client = ctx.browser();
    await client.call(
      'POST',
      '/password/ana',
      {},
      { headers: { 'x-forwarded-for': '10.9.9.9, 203.0.113.7' } },
    );
    expect(startedRequest(ctx.h.events)?.['clientAddress']).toBe('203.0.113.7');
    await client.call(
      'POST',
      '/password/ana',
      {},
      { headers: { 'x-forwarded-for': '203.0.113.7, <script>' } },
    );
    expect(startedRequest(ctx.h.events)?.['clientAddress']).toBeUndefined();
    // Events raised inside a 2FA route carry it too (a wrong code here).
    await client.call('POST', '/password/ana', {}, { headers: { 'x-forwarded-for': '198.51.100.4' } });
    await client.call(
      'POST',
      '/2fa/login/verify',
      { code: '000000' },
      { headers: { 'x-forwarded-for': '198.51.100.4' } },
    );
    expect(ctx.h.events.find((e) => e.type === 'verify.failed')?.request).toMatchObject({
      clientAddress: '198.51.100.4',
    });
  });
});
