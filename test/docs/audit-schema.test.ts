import { channel } from 'node:diagnostics_channel';
import { describe, expect, it } from 'vitest';
import { eventChannelName } from '../../src/core/events.js';
import { withRequest } from '../../src/core/request-scope.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { enrollTotp, makeTwoFactor, startChallenge } from '../helpers/harness.js';
import { validateAuditEvent } from '../setup/audit-events.js';

const state = globalThis as { __factorkitAuditViolations?: string[]; __factorkitAuditSeen?: number };

describe('the audit event schema (docs/audit-event.schema.json)', () => {
  it('every event of a login story validates, with target, actor, method, outcome, request and time', async () => {
    const h = makeTwoFactor(new MemoryStore(), { noticeAddress: (id) => `${id}@account.example` });
    const seen = state.__factorkitAuditSeen!;
    const request = { id: 'req-42', clientAddress: '2001:db8::7', userAgent: 'curl/8.5' };
    const { secret } = await enrollTotp(h, 'ana');
    const { challengeId } = await startChallenge(h, 'ana');
    await h.tf.login.verify(challengeId, '000000');
    await withRequest(request, () =>
      h.tf.login.verify(challengeId, h.totp.generateCode(secret, h.clock.now())),
    );
    await withRequest(request, () =>
      h.tf.admin.reset({ id: 'site-admin', roles: ['admin'], org: 'acme' }, 'ana'),
    );
    await h.tf.notices.settled();
    expect(state.__factorkitAuditSeen! - seen).toBe(h.events.length);
    for (const event of h.events) expect(validateAuditEvent(event), JSON.stringify(event)).toBe(true);
    expect(h.events.find((e) => e.type === 'verify.failed')).toMatchObject({
      version: 1,
      outcome: 'failure',
      userId: 'ana',
      detail: { reason: 'invalid', purpose: 'login' },
    });
    expect(h.events.find((e) => e.type === 'verify.succeeded')).toMatchObject({
      outcome: 'success',
      method: 'totp',
      request,
      at: h.clock.now(),
    });
    expect(h.events.find((e) => e.type === 'admin.reset')).toMatchObject({
      actor: { id: 'site-admin' },
      org: 'acme',
      userId: 'ana',
      request,
    });
    expect(h.events.find((e) => e.type === 'notice.sent')).toMatchObject({
      outcome: 'success',
      detail: { kind: 'method-added' },
    });
  });

  it('refuses what is off the schema (so the check of every event in the suite can fail)', () => {
    const good = { version: 1, type: 'verify.failed', at: 1, outcome: 'failure', userId: 'u' };
    expect(validateAuditEvent(good)).toBe(true);
    for (const bad of [
      { ...good, version: 2 },
      { ...good, outcome: 'ok' },
      { ...good, code: '123456' },
      { ...good, request: { id: 'r', clientAddress: 'ana@example.com' } },
      { ...good, detail: { nested: { code: '1' } } },
      { type: 'verify.failed', at: 1, outcome: 'failure' },
    ])
      expect(validateAuditEvent(bad), JSON.stringify(bad)).toBe(false);
    // The suite-wide check sees the channel: an event off the schema is recorded, then cleared here.
    channel(eventChannelName).publish({ ...good, outcome: 'ok' });
    expect(state.__factorkitAuditViolations!.splice(0)).toHaveLength(1);
  });
});
