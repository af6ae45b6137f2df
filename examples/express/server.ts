/**
 * The example control panel. `npm run example` starts it with embedded defaults: MemoryStore and
 * MemoryMailer (see the outbox page), no services needed. Environment variables switch parts:
 *   PORT (3000), HOST (127.0.0.1), FACTORKIT_KEY (32 bytes hex/base64url; random per run if unset)
 *   FACTORKIT_STORE=redis with REDIS_URL, or FACTORKIT_STORE=postgres with DATABASE_URL
 *   SMTP_URL (e.g. smtp://127.0.0.1:2525) with SMTP_FROM to send real email
 */
import { randomBytes } from 'node:crypto';
import { createTwoFactor, type Mailer, MemoryMailer, MemoryStore, type Store } from 'factorkit';
import { createExampleApp } from './app.js';
import { DEMO_ACCOUNTS } from './users.js';

async function storeFromEnv(): Promise<Store> {
  const kind = process.env['FACTORKIT_STORE'] ?? 'memory';
  if (kind === 'redis') {
    const { Redis } = await import('ioredis');
    const { RedisStore } = await import('factorkit/redis');
    return new RedisStore({ client: new Redis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379') });
  }
  if (kind === 'postgres') {
    const { default: pg } = await import('pg');
    const { PostgresStore } = await import('factorkit/postgres');
    const pool = new pg.Pool({ connectionString: process.env['DATABASE_URL'] });
    pool.on('error', (error) => console.error('[example] postgres:', error.message));
    const store = new PostgresStore({ pool });
    await store.createSchema();
    return store;
  }
  return new MemoryStore();
}

async function mailerFromEnv(): Promise<Mailer> {
  if (!process.env['SMTP_URL']) return new MemoryMailer();
  const { default: nodemailer } = await import('nodemailer');
  const { SmtpMailer } = await import('factorkit/smtp');
  return new SmtpMailer({
    transport: nodemailer.createTransport(process.env['SMTP_URL']),
    from: process.env['SMTP_FROM'] ?? 'no-reply@cloudfon.example',
  });
}

const mailer = await mailerFromEnv();
const tf = createTwoFactor({
  issuer: 'CloudFon CX',
  store: await storeFromEnv(),
  mailer,
  keys: process.env['FACTORKIT_KEY'] ?? randomBytes(32).toString('hex'),
  // "View Backup Codes" shows the codes again, as the help page describes: keep them sealed, not hashed.
  policy: { backupCodes: { storage: 'viewable' } },
  authorize: (actor) => actor.roles?.includes('admin') === true,
  onEvent: (event) => {
    if (process.env['EXAMPLE_QUIET'] !== '1')
      console.log(`[event] ${event.type}${event.userId ? ` user=${event.userId}` : ''}`);
  },
});

const app = createExampleApp({ tf, ...(mailer instanceof MemoryMailer ? { outbox: mailer } : {}) });
const host = process.env['HOST'] ?? '127.0.0.1';
const server = app.listen(Number(process.env['PORT'] ?? 3000), host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  console.log(`\nCloudFon CX example control panel: http://${host}:${port}/\n`);
  console.log('Demo users (email / password):');
  for (const account of DEMO_ACCOUNTS)
    console.log(`  ${account.email.padEnd(26)} ${account.password.padEnd(14)} ${account.role}`);
  console.log(`\nEmails appear at http://${host}:${port}/dev/outbox (development mailer).\n`);
});
