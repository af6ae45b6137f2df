import type { Transporter } from 'nodemailer';
import { FactorkitError } from '../core/errors.js';
import type { Mailer, MailMessage } from './mailer.js';

/** Options of {@link SmtpMailer}. */
export interface SmtpMailerOptions {
  /** A nodemailer transport the host created (`nodemailer.createTransport(...)`). */
  transport: Pick<Transporter, 'sendMail'>;
  /** The From header, e.g. `"CloudFon CX" <no-reply@cloudfon.example>`. */
  from: string;
}

/**
 * Sends codes through SMTP with nodemailer (an optional peer dependency: the caller passes the
 * transport). A message has a text part (the code) and, when the template gives one, an HTML part.
 *
 * @example
 * const mailer = new SmtpMailer({ transport: nodemailer.createTransport({ host, port }), from: 'no-reply@example.com' });
 */
export class SmtpMailer implements Mailer {
  constructor(private readonly options: SmtpMailerOptions) {
    if (!options?.transport || typeof options.transport.sendMail !== 'function') {
      throw new FactorkitError('CONFIG', '[smtp] option transport must be a nodemailer transport', {
        field: 'transport',
      });
    }
    if (typeof options.from !== 'string' || options.from.length === 0) {
      throw new FactorkitError('CONFIG', '[smtp] option from must be a non-empty string', { field: 'from' });
    }
  }

  async send(message: MailMessage): Promise<void> {
    await this.options.transport.sendMail({
      from: this.options.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      ...(message.html ? { html: message.html } : {}),
    });
  }
}
