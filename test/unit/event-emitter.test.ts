import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createEmitter,
  EVENT_DELIVERED,
  eventChannelName,
  type TwoFactorEvent,
} from '../../src/core/events.js';

const NOW = 1_700_000_000_000;
const raised = {
  type: 'verify.succeeded',
  userId: 'u1',
  detail: { method: 'totp', purpose: 'login' },
} as const;

describe('the event emitter', () => {
  afterEach(() => vi.restoreAllMocks());

  it('listeners that return nothing get the event at once, and raising it returns the shared settled promise (nothing to await)', () => {
    const seen: string[] = [];
    const emit = createEmitter(
      [(event) => void seen.push(`a:${event.type}`), undefined, (event) => void seen.push(`b:${event.at}`)],
      () => NOW,
      () => 'totp',
    );
    expect(emit(raised)).toBe(EVENT_DELIVERED);
    expect(seen).toEqual(['a:verify.succeeded', `b:${NOW}`]);
  });

  it('a listener that returns a promise is waited for before the next one, and the caller gets a promise', async () => {
    const seen: string[] = [];
    let release = () => {};
    const emit = createEmitter(
      [
        () => void seen.push('first'),
        () =>
          new Promise<void>((resolve) => {
            release = () => {
              seen.push('slow done');
              resolve();
            };
          }),
        () => void seen.push('last'),
      ],
      () => NOW,
      () => undefined,
    );
    const pending = emit(raised);
    expect(pending).not.toBe(EVENT_DELIVERED);
    expect(seen).toEqual(['first']);
    release();
    await pending;
    expect(seen).toEqual(['first', 'slow done', 'last']);
  });

  it('a listener that throws or rejects is a warning; the others still get the event, and the channel too', async () => {
    const warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const published: TwoFactorEvent[] = [];
    const onPublish = (message: unknown) => void published.push(message as TwoFactorEvent);
    subscribe(eventChannelName, onPublish);
    try {
      const seen: string[] = [];
      const emit = createEmitter(
        [
          () => {
            throw new Error('sync');
          },
          () => Promise.reject(new Error('async')),
          (event) => void seen.push(event.type),
        ],
        () => NOW,
        () => 'totp',
      );
      await emit(raised);
      expect(seen).toEqual(['verify.succeeded']);
      expect(warnings.mock.calls.map(([message]) => String(message))).toEqual([
        '[factorkit] an event listener threw for verify.succeeded: Error: sync',
        '[factorkit] an event listener threw for verify.succeeded: Error: async',
      ]);
      expect(published).toMatchObject([{ type: 'verify.succeeded', userId: 'u1', method: 'totp', at: NOW }]);
    } finally {
      unsubscribe(eventChannelName, onPublish);
    }
  });
});
