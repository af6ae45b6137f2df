import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from './servers.js';

/** A message the test server received: its raw MIME, parsed, and its envelope recipients. */
export interface ReceivedMail {
  raw: string;
  parsed: ParsedMail;
  rcpt: string[];
}

/** A real SMTP server (smtp-server) on a free 127.0.0.1 port, keeping every message it receives. */
export async function startSmtpServer() {
  const received: ReceivedMail[] = [];
  const port = await freePort();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', async () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        received.push({
          raw,
          parsed: await simpleParser(raw),
          rcpt: session.envelope.rcptTo.map((r) => r.address),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
