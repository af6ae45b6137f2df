/**
 * Third attack round, on the HTTP seam after the adapters moved onto the shared binding
 * (src/http/native-binding.ts, src/http/session-libraries.ts): real Express 5, Fastify 5 and Hono 4
 * servers on 127.0.0.1, MemoryStore and Redis. Findings first, then defences that held.
 */
import { request as httpRequest } from 'node:http';
import { expect, it } from 'vitest';
import type { WebauthnCreationOptions } from '../../src/methods/webauthn/webauthn-json.js';
import { enrollTotp } from '../helpers/harness.js';
import { SoftAuthenticator } from '../helpers/soft-authenticator.js';
import { forEachHost } from '../http/support/suite.js';

const SITE = { rpId: 'example.com', rpName: 'CloudFon CX', origin: 'https://cx.example.com' };

/** A request node:http sends as given: repeated headers, a chunked body (`body` as an array of chunks). */
function rawRequest(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string | string[]>,
  body?: string | string[],
): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, base);
    const all = { ...headers };
    if (typeof body === 'string') all['content-length'] = String(Buffer.byteLength(body));
    if (Array.isArray(body)) all['transfer-encoding'] = 'chunked';
    const req = httpRequest(
      { host: url.hostname, port: url.port, method, path: url.pathname, headers: all },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => {
          let json: Record<string, unknown> = {};
          try {
            json = JSON.parse(text) as Record<string, unknown>;
          } catch {
            json = { unparsed: text };
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
      },
    );
    req.setTimeout(3000, () => req.destroy(new Error('no answer within 3 s')));
    req.on('error', reject);
    for (const chunk of Array.isArray(body) ? body : body === undefined ? [] : [body]) req.write(chunk);
    req.end();
  });
}

forEachHost((ctx) => {
  it('round 3, finding 1: a host message catalogue that throws gets English, not a hung request, a crash or a leaked message', async () => {
    const rejections: unknown[] = [];
    const onRejection = (error: unknown) => rejections.push(error);
    process.on('unhandledRejection', onRejection);
    try {
      // A per-request catalogue that fails on a locale it cannot handle (as `Intl` does on a bad tag).
      await ctx.restart({
        messages: (language) => {
          if (language === 'xx-!!') throw new Error('catalogue exploded at /srv/app/i18n.ts:3');
          return undefined;
        },
      });
      const hostile = { 'accept-language': 'xx-!!' };
      // An endpoint's refusal, and the host guards' (the Express guard and route used to hang).
      for (const [method, path, status, error] of [
        ['GET', '/2fa/login', 401, 'no-pending-login'],
        ['GET', '/app', 401, 'not-signed-in'],
        ['POST', '/app/sensitive', 401, 'not-signed-in'],
      ] as const) {
        const answer = await rawRequest(
          ctx.host.base,
          method,
          path,
          { ...hostile, 'content-type': 'application/json' },
          method === 'POST' ? '{}' : undefined,
        );
        expect(answer, `${method} ${path}`).toEqual({
          status,
          json: { error, message: expect.any(String) },
        });
        expect(JSON.stringify(answer.json)).not.toMatch(/exploded|\/srv\//);
      }
      expect(ctx.errors.length).toBeGreaterThan(0); // the operator hears of the broken catalogue
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(rejections.map(String)).toEqual([]);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  });

  // Fastify's router answered 414 FST_ERR_MAX_PARAM_LENGTH itself for a path parameter over 100
  // characters (its `maxParamLength`), before the layer saw the request. Fixed: the Fastify adapter
  // registers its parameter routes as wildcards and reads the parameters from the raw path.
  it('round 3, finding 2: a key whose credential id is over 100 characters can be renamed and removed; a long user id reaches the layer', async () => {
    await ctx.restart({ webauthn: SITE });
    const key = new SoftAuthenticator();
    key.credentialIdBytes = 128; // 171 characters in base64url; WebAuthn allows 1023 bytes
    const client = ctx.browser();
    await client.call('POST', '/password/ana', {});
    const creation = (await client.call('POST', '/2fa/webauthn/register/options', {}))
      .json as unknown as WebauthnCreationOptions;
    const registered = await client.call('POST', '/2fa/webauthn/register', {
      response: key.create(creation, SITE.origin),
    });
    expect(registered.status).toBe(200);
    const id = (registered.json['key'] as { id: string }).id;
    expect(id.length).toBeGreaterThan(100);
    expect(await client.call('PUT', `/2fa/webauthn/keys/${id}`, { label: 'Old key' })).toMatchObject({
      status: 200,
      json: { ok: true },
    });
    // The first method is a fresh factor: removal needs no step-up yet.
    expect(await client.call('DELETE', `/2fa/webauthn/keys/${id}`)).toMatchObject({
      status: 200,
      json: { ok: true },
    });
    // Admin routes take user ids of up to 256 characters.
    expect(await ctx.browser().call('POST', `/2fa/admin/users/${'u'.repeat(200)}/reset`, {})).toMatchObject({
      status: 401,
      json: { error: 'not-signed-in' },
    });
  });

  it('held: a chunked body over 16 KiB is 413 too-large (not a 500 for onError); one under it is read', async () => {
    const { secret } = await enrollTotp(ctx.h, 'ana');
    const client = ctx.browser();
    await ctx.signIn(client, 'ana', secret);
    const headers = { cookie: client.cookieHeader(), 'content-type': 'application/json' };
    const over = await rawRequest(ctx.host.base, 'POST', '/2fa/step-up/verify', headers, [
      '{"code":"',
      ...Array<string>(5).fill('1'.repeat(4096)),
      '"}',
    ]);
    expect(over).toEqual({ status: 413, json: { error: 'too-large', message: expect.any(String) } });
    const under = await rawRequest(ctx.host.base, 'POST', '/2fa/step-up/start', headers, ['{', '}']);
    expect(under.status).toBe(200);
    expect(ctx.errors).toEqual([]);
  });

  it('held: a repeated Origin (own and foreign) or Origin null is refused on an endpoint and on the host guard', async () => {
    const { secret } = await enrollTotp(ctx.h, 'ana');
    const client = ctx.browser();
    await ctx.signIn(client, 'ana', secret);
    const cookie = client.cookieHeader();
    for (const origin of [[ctx.host.base, 'https://evil.example'], 'null', `${ctx.host.base}.evil.example`]) {
      for (const path of ['/2fa/step-up/start', '/app/sensitive']) {
        const answer = await rawRequest(
          ctx.host.base,
          'POST',
          path,
          { cookie, origin, 'content-type': 'application/json' },
          '{}',
        );
        expect(answer, `${path} ${String(origin)}`).toMatchObject({ status: 403, json: { error: 'csrf' } });
      }
    }
  });

  it('held: __proto__ and constructor keys in a body are an invalid input, and pollute nothing', async () => {
    const { secret } = await enrollTotp(ctx.h, 'ana');
    const client = ctx.browser();
    await ctx.signIn(client, 'ana', secret);
    await client.call('POST', '/2fa/step-up/start', {});
    const body =
      '{"__proto__":{"code":"123456","stage":"signed-in"},"constructor":{"prototype":{"code":"1"}}}';
    expect(
      await client.call('POST', '/2fa/step-up/verify', undefined, {
        raw: { body, type: 'application/json' },
      }),
    ).toMatchObject({ status: 400, json: { error: 'invalid-input', field: 'code' } });
    expect(({} as Record<string, unknown>)['code']).toBeUndefined();
    expect(ctx.errors).toEqual([]);
  });

  it('held: the setup locks (an app code, a security key) are 429 with Retry-After, as the login ones are', async () => {
    await ctx.restart({ webauthn: SITE });
    const app = ctx.browser();
    await app.call('POST', '/password/ana', {});
    await app.call('POST', '/2fa/totp/setup', {});
    const key = new SoftAuthenticator();
    const browser = ctx.browser();
    await browser.call('POST', '/password/ben', {});
    const creation = (await browser.call('POST', '/2fa/webauthn/register/options', {}))
      .json as unknown as WebauthnCreationOptions;
    const attempts = [
      () => app.call('POST', '/2fa/totp/confirm', { code: '000000' }),
      () =>
        browser.call('POST', '/2fa/webauthn/register', {
          response: key.create(creation, 'https://evil.example.com'),
        }),
    ];
    for (const attempt of attempts) {
      const answers = [await attempt(), await attempt(), await attempt()];
      expect(answers.map((answer) => answer.status)).toEqual([401, 401, 429]);
      const last = answers[2]!;
      expect(last.json).toMatchObject({ reason: 'locked', retryAt: expect.any(Number) });
      expect(Number(last.headers.get('retry-after'))).toBe(300);
    }
  });
});
