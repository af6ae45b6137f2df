import type { Mailer } from '../mail/mailer.js';
import { errorFacts, type TelemetrySource } from './telemetry.js';

/** What a message carries: a code, or a security notice. */
export type MailPurpose = 'code' | 'notice';

/** The mailer with a span per message (`factorkit.mail.send`) and `factorkit.mail.sends` by outcome. */
export function instrumentMailer(mailer: Mailer, purpose: MailPurpose, telemetry: TelemetrySource): Mailer {
  const base = { 'factorkit.mail.purpose': purpose };
  return {
    send(message) {
      const t = telemetry();
      if (!t) return mailer.send(message);
      const span = t.leafSpan('factorkit.mail.send', base);
      let sending: Promise<void>;
      try {
        sending = mailer.send(message);
      } catch (error) {
        sending = Promise.reject(error);
      }
      return sending.then(
        () => {
          const attributes = { ...base, 'factorkit.outcome': 'sent' };
          t.add('factorkit.mail.sends', attributes);
          span?.end(attributes);
        },
        (error: unknown) => {
          const attributes = { ...base, 'factorkit.outcome': 'failed' };
          t.add('factorkit.mail.sends', attributes);
          span?.end(attributes, errorFacts(error));
          throw error;
        },
      );
    },
  };
}
