/**
 * The example control panel. `npm run example` starts it with embedded defaults: a SQLite file in
 * the git-ignored `examples/express/data/` folder (enrolments, backup codes and trusted browsers
 * survive a restart) and MemoryMailer (see the outbox page); no services needed. Environment:
 *   PORT (3000), HOST (127.0.0.1), FACTORKIT_DATA_DIR (the data folder)
 *   FACTORKIT_KEY (32 bytes hex/base64url; default: a key generated once into the data folder)
 *   FACTORKIT_STORE=sqlite (default) | memory | redis (REDIS_URL) | postgres (DATABASE_URL)
 *   SMTP_URL (e.g. smtp://127.0.0.1:2525) with SMTP_FROM to send real email
 * Text-message codes are on, over a memory sender: the texts appear on the outbox page too.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTwoFactor, type Mailer, MemoryMailer, MemorySender, MemoryStore, type Store } from 'factorkit';
import { simpleWebauthn } from 'factorkit/webauthn';
import { seedSitePolicies, siteName } from '../shared/sites.js';
import { createExampleApp } from './app.js';
import { DEMO_ACCOUNTS, rolesOf, siteOf } from './users.js';

const dataDir = process.env['FACTORKIT_DATA_DIR'] ?? fileURLToPath(new URL('./data/', import.meta.url));

async function storeFromEnv(): Promise<{ store: Store; where: string }> {
  const kind = process.env['FACTORKIT_STORE'] ?? 'sqlite';
  if (kind === 'memory') return { store: new MemoryStore(), where: 'memory (lost on restart)' };
  if (kind === 'redis') {
    const { Redis } = await import('ioredis');
    const { RedisStore } = await import('factorkit/redis');
    const url = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
    return { store: new RedisStore({ client: new Redis(url) }), where: `Redis ${url}` };
  }
  if (kind === 'postgres') {
    const { default: pg } = await import('pg');
    const { PostgresStore } = await import('factorkit/postgres');
    const pool = new pg.Pool({ connectionString: process.env['DATABASE_URL'] });
    pool.on('error', (error) => console.error('[example] postgres:', error.message));
    const store = new PostgresStore({ pool });
    await store.createSchema();
    return { store, where: 'PostgreSQL (DATABASE_URL)' };
  }
  const { SqliteStore } = await import('factorkit/sqlite');
  const filename = join(dataDir, 'factorkit.sqlite');
  const store = new SqliteStore({ filename });
  store.createSchema();
  return { store, where: `SQLite ${filename}` };
}

/** FACTORKIT_KEY, or a key made once and kept beside the data: secrets sealed with it stay readable. */
function keyFromEnv(): string {
  if (process.env['FACTORKIT_KEY']) return process.env['FACTORKIT_KEY'];
  const file = join(dataDir, 'factorkit.key');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
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

mkdirSync(dataDir, { recursive: true });
const mailer = await mailerFromEnv();
const { store, where } = await storeFromEnv();
// Text messages and calls, kept in memory for the outbox page (a real app passes its provider's sender).
const texts = new MemorySender();
const tf = createTwoFactor({
  issuer: 'CloudFon CX',
  store,
  mailer,
  keys: keyFromEnv(),
  // "View Backup Codes" shows the codes again, as the help page describes: keep them sealed, not hashed.
  policy: { backupCodes: { storage: 'viewable' } },
  phone: { sender: texts },
  // Two customer sites: each admin sets their own site's rules and acts on their own site's agents.
  orgOf: siteOf,
  rolesOf,
  authorize: (actor) => actor.roles?.includes('admin') === true,
  // Security keys and passkeys: @simplewebauthn/server verifies them.
  webauthn: { library: simpleWebauthn },
  // Security notices ("an authenticator app was added", "someone may have your password") go to
  // the account's email, so they reach users whose only method is an app; they show in the outbox.
  noticeAddress: (userId) => DEMO_ACCOUNTS.find((account) => account.id === userId)?.email ?? null,
  onEvent: (event) => {
    if (process.env['EXAMPLE_QUIET'] !== '1')
      console.log(`[event] ${event.type}${event.userId ? ` user=${event.userId}` : ''}`);
  },
});

await seedSitePolicies(tf);

const host = process.env['HOST'] ?? '127.0.0.1';
const port = Number(process.env['PORT'] ?? 3000);
const server = createServer();
server.once('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EADDRINUSE') throw error;
  // The usual first-run wall (another example, or another app, on the port): the fix, not a stack.
  console.error(
    `\nPort ${port} on ${host} is in use (is the example already running?). Start it on another port:\n\n  PORT=${port + 1} npm run example\n`,
  );
  process.exit(1);
});
server.listen(port, host, () => {
  const address = server.address();
  const listening = typeof address === 'object' && address ? address.port : port;
  // Security keys need a domain, not an IP: they work at http://localhost:<port> (EXAMPLE_ORIGIN to
  // change), on the port actually listened on (PORT=0 picks a free one).
  const origin = process.env['EXAMPLE_ORIGIN'] ?? `http://localhost:${listening}`;
  const app = createExampleApp({
    tf,
    ...(mailer instanceof MemoryMailer ? { outbox: mailer } : {}),
    texts,
    webauthn: { rpId: new URL(origin).hostname, origin },
  });
  server.on('request', app);
  console.log(`\nCloudFon CX example control panel: http://${host}:${listening}/\n`);
  console.log(`Store: ${where}`);
  console.log('Demo users (email / password / role / site):');
  for (const account of DEMO_ACCOUNTS)
    console.log(
      `  ${account.email.padEnd(26)} ${account.password.padEnd(14)} ${account.role.padEnd(6)} ${siteName(account.site)}`,
    );
  console.log(
    `\nEmails and texts appear at http://${host}:${listening}/dev/outbox (development mailer and sender).`,
  );
  console.log(`Security keys and passkeys work at ${origin} (WebAuthn needs a domain, not an IP address).\n`);
});
