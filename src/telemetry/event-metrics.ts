import type { EventListener, TwoFactorEvent } from '../core/events.js';
import type { InstrumentName } from './instruments.js';
import type { Attributes, TelemetrySource } from './telemetry.js';

type Count = [InstrumentName, Attributes];

/** A detail value that is one of a few fixed words (never an id, an address or a label). */
const word = (value: unknown, fallback: string): string =>
  typeof value === 'string' && /^[a-z][a-z-]{0,39}$/.test(value) ? value : fallback;

const purpose = (event: TwoFactorEvent) => word(event.detail?.['purpose'], 'login');

/** A code channel's delivery events (`email.code-sent`, `phone.code-refused`, a host method's ...). */
const CODE_DELIVERY = /^[a-z][a-z0-9-]*\.(code-sent|setup-started|code-refused|code-failed)$/;

function codeSendAttributes(event: TwoFactorEvent, method: string, delivery: string): Attributes {
  const outcome =
    delivery === 'code-failed'
      ? 'failed'
      : delivery === 'code-refused'
        ? word(event.detail?.['reason'], 'cooldown')
        : 'sent';
  const purposeFallback = delivery === 'setup-started' ? 'setup' : 'login';
  return {
    'factorkit.method': method,
    'factorkit.outcome': outcome,
    'factorkit.purpose': word(event.detail?.['purpose'], purposeFallback),
  };
}

/** How each security signal counts. Events carry the facts; the metrics are a view of them. */
function countsOf(event: TwoFactorEvent): Count[] {
  const method = event.method ?? 'unknown';
  switch (event.type) {
    case 'verify.succeeded': {
      const counts: Count[] = [
        [
          'factorkit.verifications',
          { 'factorkit.method': method, 'factorkit.outcome': 'success', 'factorkit.purpose': purpose(event) },
        ],
      ];
      if (purpose(event) === 'step-up')
        counts.push(['factorkit.step_ups', { 'factorkit.outcome': 'success' }]);
      return counts;
    }
    case 'verify.failed':
    case 'verify.refused': {
      const outcome = word(event.detail?.['reason'], 'invalid');
      return [
        [
          'factorkit.verifications',
          { 'factorkit.method': method, 'factorkit.outcome': outcome, 'factorkit.purpose': purpose(event) },
        ],
      ];
    }
    case 'challenge.locked':
    case 'account.locked':
      return [
        [
          'factorkit.locks',
          { 'factorkit.lock.scope': event.type.split('.')[0]!, 'factorkit.purpose': purpose(event) },
        ],
      ];
    case 'admin.backup-code-issued':
      return [['factorkit.admin.codes', {}]];
    case 'admin.reset':
      return [['factorkit.admin.resets', {}]];
    case 'challenge.started':
      return purpose(event) === 'step-up' ? [['factorkit.step_ups', { 'factorkit.outcome': 'started' }]] : [];
    case 'notice.sent':
    case 'notice.failed':
    case 'notice.limited': {
      const outcome =
        event.type === 'notice.failed' ? word(event.detail?.['reason'], 'failed') : event.type.slice(7);
      return [
        [
          'factorkit.notices',
          { 'factorkit.notice.kind': word(event.detail?.['kind'], 'unknown'), 'factorkit.outcome': outcome },
        ],
      ];
    }
    default: {
      const delivery = CODE_DELIVERY.exec(event.type)?.[1];
      if (delivery) return [['factorkit.code.sends', codeSendAttributes(event, method, delivery)]];
      if (/\.(enabled|registered)$/.test(event.type))
        return [['factorkit.enrolments', { 'factorkit.method': method }]];
      if (event.type.endsWith('.disabled'))
        return [['factorkit.disablements', { 'factorkit.method': method }]];
      return [];
    }
  }
}

/** The event listener that turns security signals into counters (nothing when telemetry is off). */
export function eventMetrics(telemetry: TelemetrySource): EventListener {
  return (event) => {
    const t = telemetry();
    if (!t) return;
    for (const [name, attributes] of countsOf(event)) t.add(name, attributes);
  };
}
