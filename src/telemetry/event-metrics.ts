import type { EventListener, TwoFactorEvent } from '../core/events.js';
import type { Telemetry, TelemetrySource } from './telemetry.js';

/** A detail value that is one of a few fixed words (never an id, an address or a label). */
const word = (value: unknown, fallback: string): string =>
  typeof value === 'string' && /^[a-z][a-z-]{0,39}$/.test(value) ? value : fallback;

const detail = (event: TwoFactorEvent, key: string, fallback: string) => word(event.detail?.[key], fallback);

/** A code channel's delivery events (`email.code-sent`, `phone.code-refused`, a host method's ...). */
const CODE_DELIVERY = /^[a-z][a-z0-9-]*\.(code-sent|setup-started|code-refused|code-failed)$/;

/** A sent code's outcome: sent, refused (cooldown, hourly cap) or failed (the mailer or sender threw). */
function countCodeSend(t: Telemetry, event: TwoFactorEvent, method: string, delivery: string): void {
  const outcome =
    delivery === 'code-failed'
      ? 'failed'
      : delivery === 'code-refused'
        ? detail(event, 'reason', 'cooldown')
        : 'sent';
  const purpose = detail(event, 'purpose', delivery === 'setup-started' ? 'setup' : 'login');
  t.count('factorkit.code.sends', method, outcome, purpose);
}

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
    default: {
      const delivery = CODE_DELIVERY.exec(event.type)?.[1];
      if (delivery) countCodeSend(t, event, method, delivery);
      else if (/\.(enabled|registered)$/.test(event.type)) t.count('factorkit.enrolments', method);
      else if (event.type.endsWith('.disabled')) t.count('factorkit.disablements', method);
    }
  }
}

/** The event listener that turns security signals into counters (nothing when telemetry is off). */
export function eventMetrics(telemetry: TelemetrySource): EventListener {
  return (event) => {
    const t = telemetry();
    if (t) countEvent(t, event);
  };
}
