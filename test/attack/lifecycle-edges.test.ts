/**
 * Issue 19 ("years in production"), the edges: what each adapter answers for a request that is
 * the client's fault. One behaviour on Express 5, Fastify 5 and Hono 4, as the OpenAPI document
 * says, on real servers.
 */
import { connect } from 'node:net';
import { expect, it } from 'vitest';
import { enrollTotp } from '../helpers/harness.js';
import { forEachHost } from '../http/support/suite.js';

/** Sends `head` and half of a body of `declaredBytes`, then hangs up without reading an answer. */
function hangUpMidBody(base: string, path: string, cookie: string, declaredBytes: number): Promise<void> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => {
      socket.write(
        [
          `POST ${path} HTTP/1.1`,
          `Host: ${url.host}`,
          'Content-Type: application/json',
          `Content-Length: ${declaredBytes}`,
          ...(cookie ? [`Cookie: ${cookie}`] : []),
          '',
          '{"code":"',
        ].join('\r\n'),
      );
      // Long enough for the server to start reading the body.
      setTimeout(() => {
        socket.destroy();
        resolve();
      }, 30);
    });
    socket.on('error', reject);
  });
}

forEachHost((ctx) => {
  it('years in production, item 9: a client hanging up mid-body is its own fault, never an error for onError', async () => {
    const { secret } = await enrollTotp(ctx.h, 'ana');
    const client = ctx.browser();
    await ctx.signIn(client, 'ana', secret);
    for (let i = 0; i < 5; i++) {
      await hangUpMidBody(ctx.host.base, '/2fa/step-up/verify', client.cookieHeader(), 1000);
      await hangUpMidBody(ctx.host.base, '/2fa/login/verify', '', 1000);
    }
    // Give the server time to notice the hang-ups and finish those requests.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(ctx.errors).toEqual([]);
    // The server still serves.
    expect((await client.call('GET', '/2fa/status')).status).toBe(200);
  });

  it('years in production, item 10: a bad % escape in a path parameter is 400 bad-request from the layer on every adapter', async () => {
    const { secret } = await enrollTotp(ctx.h, 'ana');
    const client = ctx.browser();
    await ctx.signIn(client, 'ana', secret);
    for (const path of ['/2fa/devices/%E0%A4%A', '/2fa/devices/%zz', '/2fa/devices/abc%']) {
      const answer = await client.call('DELETE', path);
      expect(answer.status, path).toBe(400);
      expect(answer.json, path).toEqual({ error: 'bad-request', message: 'The request could not be read.' });
      expect(answer.headers.get('cache-control'), path).toBe('no-store');
    }
    expect(ctx.errors).toEqual([]);
  });

  it('years in production, item 10: a UTF-8 byte order mark before a JSON body is read past on every adapter; two are not JSON', async () => {
    const { secret } = await enrollTotp(ctx.h, 'ana');
    const client = ctx.browser();
    expect((await client.call('POST', '/password/ana', {})).json['status']).toBe('challenge');
    const raw = (body: string) => ({ raw: { body, type: 'application/json' } });
    expect(
      (await client.call('POST', '/2fa/login/verify', undefined, raw('\uFEFF{"code":"000000"}'))).json,
    ).toMatchObject({ reason: 'invalid-code', attemptsLeft: 4 });
    expect(
      (await client.call('POST', '/2fa/login/verify', undefined, raw('\uFEFF\uFEFF{"code":"000000"}'))).json,
    ).toMatchObject({ error: 'invalid-json' });
    const signed = await client.call(
      'POST',
      '/2fa/login/verify',
      undefined,
      raw(`\uFEFF${JSON.stringify({ code: ctx.code(secret) })}`),
    );
    expect(signed.status).toBe(200);
  });

  it('years in production, item 10: JSON is UTF-8: a body declaring another charset is 415 json-required on every adapter', async () => {
    await enrollTotp(ctx.h, 'ana');
    const client = ctx.browser();
    await client.call('POST', '/password/ana', {});
    const body = '{"code":"000000"}';
    for (const charset of ['utf-16le', 'UTF-16', 'latin1', 'x-unknown']) {
      const answer = await client.call('POST', '/2fa/login/verify', undefined, {
        raw: { body, type: `application/json; charset=${charset}` },
      });
      expect(answer.status, charset).toBe(415);
      expect(answer.json['error'], charset).toBe('json-required');
    }
    // UTF-16LE bytes, as Express alone used to decode them.
    const utf16 = await fetch(`${ctx.host.base}/2fa/login/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-16le', cookie: client.cookieHeader() },
      body: Buffer.from(body, 'utf16le'),
    });
    expect(utf16.status).toBe(415);
    for (const charset of ['utf-8', 'UTF-8', '"utf-8"']) {
      const answer = await client.call('POST', '/2fa/login/verify', undefined, {
        raw: { body, type: `application/json; charset=${charset}` },
      });
      expect(answer.json['reason'], charset).toBe('invalid-code');
      ctx.h.clock.advance(5 * 60_000);
      await client.call('POST', '/password/ana', {}); // a fresh challenge: no lock in the way
    }
    expect(ctx.errors).toEqual([]);
  });
});
