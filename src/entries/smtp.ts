export { SmtpMailer, type SmtpMailerOptions } from '../mail/smtp.js';
