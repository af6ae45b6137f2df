import type { Mailer, MailMessage } from './mailer.js';

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
