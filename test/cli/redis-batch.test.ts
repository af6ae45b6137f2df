import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/cli/open-store.js';
import type { StoreOp } from '../../src/store/store.js';
import { type RedisServer, servicesRequired, startRedis } from '../helpers/servers.js';

/**
 * The CLI's Redis client sends the commits of a batch (`commitEach`) in one write (ioredis's
 * auto-pipelining: issue 23's import). Each is still its own script, atomic on its own: these
 * check that a batch sent at once keeps the commits' guarantees, and fails closed.
 */
const put = (key: string, value: string): StoreOp => ({
  type: 'put',
  key,
  fields: { v: value },
  expiresAt: null,
});

describe('--store redis://: a batch of commits sent at once', () => {
  let server: RedisServer | null = null;
  afterAll(async () => server?.stop());

  it('answers each commit in order, a refused one changes nothing and stops no other; a stopped server fails them closed', async () => {
    server = await startRedis();
    if (!server) {
      expect(servicesRequired).toBe(false);
      return;
    }
    const opened = await openStore(`redis://127.0.0.1:${server.port}?prefix=batch:`);
    try {
      const { store } = opened;
      const users = Array.from({ length: 16 }, (_, i) => `{u${i}}`);
      // The seventh user's commit is guarded by a record that is not there: refused as a whole.
      const batches = users.map((tag, i): StoreOp[] => [
        ...(i === 6 ? [{ type: 'take', key: `${tag}:missing` } as StoreOp] : []),
        put(`${tag}:user`, `v${i}`),
        put(`${tag}:codes`, `c${i}`),
      ]);
      const results = await store.commitEach!(batches, 1);
      expect(results.map((result) => result.ok)).toEqual(users.map((_, i) => i !== 6));
      const records = await Promise.all(users.map((tag) => store.get(`${tag}:codes`, 1)));
      expect(records.map((record) => record?.fields['v'] ?? null)).toEqual(
        users.map((_, i) => (i === 6 ? null : `c${i}`)),
      );

      await server.stop();
      const outage = await store.commitEach!(batches.slice(0, 4), 1).then(
        () => null,
        (error: unknown) => error,
      );
      expect(outage).toMatchObject({ code: 'STORE_UNAVAILABLE' });
    } finally {
      await opened.close();
    }
  }, 30_000);
});
