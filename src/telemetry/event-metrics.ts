import type { EventListener, TwoFactorEvent } from '../core/events.js';
import type { Telemetry, TelemetrySource } from './telemetry.js';

/** A detail value that is one of a few fixed words (never an id, an address or a label). */
const word = (value: unknown, fallback: string): string =>
  typeof value === 'string' && /^[a-z][a-z-]{0,39}$/.test(value) ? value : fallback;

const detail = (event: TwoFactorEvent, key: string, fallback: string) => word(event.detail?.[key], fallback);

/**
 * How each security signal counts (attribute values in the order `instruments` lists them).
 * Events carry the facts; the metrics are a view of them.
 */
function countEvent(t: Telemetry, event: TwoFactorEvent): void {
  const method = event.method ?? 'unknown';
  switch (event.type) {
    case 'verify.succeeded': {
      const purpose = detail(event, 'purpose', 'login');
      t.count('factorkit.verifications', method, 'success', purpose);
      if (purpose === 'step-up') t.count('factorkit.step_ups', 'success');
      return;
    }
    case 'verify.failed':
    case 'verify.refused':
      t.count(
        'factorkit.verifications',
        method,
        detail(event, 'reason', 'invalid'),
        detail(event, 'purpose', 'login'),
      );
      return;
    case 'challenge.locked':
    case 'account.locked':
      t.count('factorkit.locks', event.type.split('.')[0]!, detail(event, 'purpose', 'login'));
      return;
    case 'email.code-sent':
    case 'email.setup-started':
      t.count('factorkit.email.codes', 'sent', detail(event, 'purpose', 'setup'));
      return;
    case 'email.code-refused':
      t.count(
        'factorkit.email.codes',
        detail(event, 'reason', 'cooldown'),
        detail(event, 'purpose', 'login'),
      );
      return;
    case 'email.code-failed':
      t.count('factorkit.email.codes', 'failed', detail(event, 'purpose', 'login'));
      return;
    case 'admin.backup-code-issued':
      t.count('factorkit.admin.codes');
      return;
    case 'admin.reset':
      t.count('factorkit.admin.resets');
      return;
    case 'challenge.started':
      if (detail(event, 'purpose', 'login') === 'step-up') t.count('factorkit.step_ups', 'started');
      return;
    case 'notice.sent':
    case 'notice.limited':
      t.count('factorkit.notices', detail(event, 'kind', 'unknown'), event.type.slice(7));
      return;
    case 'notice.failed':
      t.count('factorkit.notices', detail(event, 'kind', 'unknown'), detail(event, 'reason', 'failed'));
      return;
    default:
      if (/\.(enabled|registered)$/.test(event.type)) t.count('factorkit.enrolments', method);
      else if (event.type.endsWith('.disabled')) t.count('factorkit.disablements', method);
  }
}

/** The event listener that turns security signals into counters (nothing when telemetry is off). */
export function eventMetrics(telemetry: TelemetrySource): EventListener {
  return (event) => {
    const t = telemetry();
    if (t) countEvent(t, event);
  };
}
