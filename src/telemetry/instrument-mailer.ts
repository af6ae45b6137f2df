import type { Mailer, MailMessage } from '../mail/mailer.js';
import { errorFacts, type Telemetry, type TelemetrySource } from './telemetry.js';

/** What a message carries: a code, or a security notice. */
export type MailPurpose = 'code' | 'notice';

async function sent(t: Telemetry, mailer: Mailer, message: MailMessage, purpose: MailPurpose): Promise<void> {
  const span = t.leafSpan('factorkit.mail.send', { 'factorkit.mail.purpose': purpose });
  try {
    await mailer.send(message);
  } catch (error) {
    t.count('factorkit.mail.sends', purpose, 'failed');
    span?.end({ 'factorkit.mail.purpose': purpose, 'factorkit.outcome': 'failed' }, errorFacts(error));
    throw error;
  }
  t.count('factorkit.mail.sends', purpose, 'sent');
  span?.end({ 'factorkit.mail.purpose': purpose, 'factorkit.outcome': 'sent' });
}

/** The mailer with a span per message (`factorkit.mail.send`) and `factorkit.mail.sends` by outcome. */
export function instrumentMailer(mailer: Mailer, purpose: MailPurpose, telemetry: TelemetrySource): Mailer {
  return {
    send(message) {
      const t = telemetry();
      return t ? sent(t, mailer, message, purpose) : mailer.send(message);
    },
  };
}
