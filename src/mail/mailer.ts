/** One email. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/** Sends mail. Throw (or reject) on failure; factorkit turns it into `MAIL_FAILED` and voids the code. */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/** Keeps every message in `sent`: for tests and the example app's outbox page. */
export class MemoryMailer implements Mailer {
  readonly sent: MailMessage[] = [];

  async send(message: MailMessage): Promise<void> {
    this.sent.push({ ...message });
  }

  /** The newest message to an address, if any. */
  lastTo(address: string): MailMessage | undefined {
    for (let i = this.sent.length - 1; i >= 0; i--) if (this.sent[i]!.to === address) return this.sent[i];
    return undefined;
  }
}

/** Prints messages to the console: for local development only (codes appear in logs). */
export class ConsoleMailer implements Mailer {
  async send(message: MailMessage): Promise<void> {
    console.log(`[factorkit] [mail] to ${message.to}: ${message.subject}\n${message.text}`);
  }
}
