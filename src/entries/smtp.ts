export { SmtpMailer, type SmtpMailerOptions } from '../mail/smtp-mailer.js';
