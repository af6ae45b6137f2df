import type { EventListener, TwoFactorEvent } from '../core/events.js';
import type { InstrumentName } from './instruments.js';
import type { Attributes, TelemetrySource } from './telemetry.js';

type Count = [InstrumentName, Attributes];

/** A detail value that is one of a few fixed words (never an id, an address or a label). */
const word = (value: unknown, fallback: string): string =>
  typeof value === 'string' && /^[a-z][a-z-]{0,39}$/.test(value) ? value : fallback;

const purpose = (event: TwoFactorEvent) => word(event.detail?.['purpose'], 'login');

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
    case 'email.code-sent':
    case 'email.setup-started':
      return [
        [
          'factorkit.email.codes',
          { 'factorkit.outcome': 'sent', 'factorkit.purpose': word(event.detail?.['purpose'], 'setup') },
        ],
      ];
    case 'email.code-refused':
    case 'email.code-failed':
      return [
        [
          'factorkit.email.codes',
          {
            'factorkit.outcome':
              event.type === 'email.code-failed' ? 'failed' : word(event.detail?.['reason'], 'cooldown'),
            'factorkit.purpose': word(event.detail?.['purpose'], 'login'),
          },
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
    default:
      if (/\.(enabled|registered)$/.test(event.type))
        return [['factorkit.enrolments', { 'factorkit.method': method }]];
      if (event.type.endsWith('.disabled'))
        return [['factorkit.disablements', { 'factorkit.method': method }]];
      return [];
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
