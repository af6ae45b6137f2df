import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTwoFactor } from '../../src/app/create-two-factor.js';
import { SmtpMailer } from '../../src/mail/smtp-mailer.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { testKey } from '../helpers/harness.js';
import { freePort } from '../helpers/servers.js';
import { type ReceivedMail, startSmtpServer } from '../helpers/smtp-server.js';

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let port = 0;
let received: ReceivedMail[] = [];

beforeAll(async () => {
  smtp = await startSmtpServer();
  port = smtp.port;
  received = smtp.received;
});
afterAll(() => smtp.close());

describe('SmtpMailer against a real SMTP server on 127.0.0.1', () => {
  it('delivers the login code: text part has the code, subject has the issuer, MIME is valid', async () => {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
    const mailer = new SmtpMailer({ transport, from: '"CloudFon CX" <no-reply@cloudfon.example>' });
    const tf = createTwoFactor({
      issuer: 'CloudFon CX',
      store: new MemoryStore(),
      mailer,
      keys: testKey('e'),
    });
    const sent = await tf.email.beginSetup('agent', 'agent@cloudfon.example');
    expect(sent.ok).toBe(true);
    const mail = received.at(-1)!;
    expect(mail.rcpt).toEqual(['agent@cloudfon.example']);
    expect(mail.parsed.subject).toBe('CloudFon CX: your authentication code');
    expect(mail.parsed.from?.text).toBe('"CloudFon CX" <no-reply@cloudfon.example>');
    const code = mail.parsed.text?.match(/code for CloudFon CX is (\d{6})/)?.[1];
    expect(code).toMatch(/^\d{6}$/);
    expect(mail.parsed.html).toContain(`<b>${code}</b>`);
    // A valid MIME tree: multipart/alternative with a text and an html part, closed by its boundary.
    expect(mail.raw).toMatch(/^MIME-Version: 1\.0$/m);
    const boundary = mail.raw.match(/Content-Type: multipart\/alternative;\s+boundary="([^"]+)"/)?.[1];
    expect(boundary).toBeTruthy();
    expect(mail.raw.split(`--${boundary}\r\n`)).toHaveLength(3);
    expect(mail.raw).toContain(`--${boundary}--`);
    expect(mail.raw).toMatch(/Content-Type: text\/plain; charset=utf-8/);
    expect(mail.raw).toMatch(/Content-Type: text\/html; charset=utf-8/);
    expect(await tf.email.confirmSetup('agent', code!)).toMatchObject({ ok: true });
    await tf.notices.settled();
    transport.close();
  });

  it('a refused delivery is MAIL_FAILED', async () => {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: await freePort(),
      secure: false,
      connectionTimeout: 1000,
    });
    const tf = createTwoFactor({
      issuer: 'CloudFon CX',
      store: new MemoryStore(),
      mailer: new SmtpMailer({ transport, from: 'no-reply@cloudfon.example' }),
      keys: testKey('e'),
    });
    await expect(tf.email.beginSetup('agent', 'agent@cloudfon.example')).rejects.toMatchObject({
      code: 'MAIL_FAILED',
    });
    expect(await tf.email.confirmSetup('agent', '123456')).toMatchObject({ ok: false });
  });
});
