import { describe, expect, it } from 'vitest';
import type { Actor } from '../../src/core/events.js';
import { createTwoFactorHttp } from '../../src/http/create-http.js';
import type { HttpRequest } from '../../src/http/types.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { makeTwoFactor } from '../helpers/harness.js';

describe('admin guards of the HTTP layer', () => {
  it('a falsy actor from getActor (a JavaScript host returning false) is no actor: 403 not-authorized', async () => {
    const { tf } = makeTwoFactor(new MemoryStore());
    let state: unknown;
    const request = (method: string, params: Record<string, string> = {}): HttpRequest => ({
      method,
      params,
      body: { text: '{}', contentType: 'application/json' },
      header: () => undefined,
      session: {
        get: () => state,
        set: (next) => {
          state = next;
        },
        rotate: () => undefined,
      },
      native: null,
    });
    for (const falsy of [false, 0, '']) {
      const layer = createTwoFactorHttp(tf, { getActor: () => falsy as unknown as Actor });
      expect((await layer.beginLogin(request('POST'), 'boss')).status).toBe('not-required');
      const reset = layer.routes.find((route) => route.path === '/admin/users/:userId/reset')!;
      const answer = await layer.dispatch(reset, request('POST', { userId: 'ana' }));
      expect(answer).toMatchObject({ status: 403, body: { error: 'not-authorized' } });
    }
  });
});
