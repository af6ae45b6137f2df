import type { Mailer, MailMessage } from './mailer.js';

/** Prints messages to the console: for local development only (codes appear in logs). */
export class ConsoleMailer implements Mailer {
  async send(message: MailMessage): Promise<void> {
    console.log(`[factorkit] [mail] to ${message.to}: ${message.subject}\n${message.text}`);
  }
}
