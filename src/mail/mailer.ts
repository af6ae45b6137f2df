/** One email. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/**
 * The mail port: sends one message. Throw (or reject) on failure; factorkit turns it into
 * `MAIL_FAILED` and voids the code. Implementations: `MemoryMailer`, `ConsoleMailer`, `SmtpMailer`.
 */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}
