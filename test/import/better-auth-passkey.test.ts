import { copyFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import type { WebauthnCreationOptions } from '../../src/methods/webauthn/webauthn-json.js';
import { runCli } from '../cli/run-cli.js';
import { SoftAuthenticator } from '../helpers/soft-authenticator.js';
import { ENV, facadeOver, tempFolder } from './cli-support.js';
import { installFromRegistry, runNode } from './registry-install.js';
import { ORIGIN, RP_ID, signInWithKey } from './support.js';

const dir = tempFolder('better-auth-passkey');
const APP_SECRET = 'better-auth-secret-for-the-passkey-test-0b8e2d4f6a1c3e5d';
let app: string | null = null;

beforeAll(async () => {
  // The passkey plugin pins an older @better-auth/utils than better-auth's latest 1.x: npm's legacy
  // peer resolution installs them side by side, as an app that adds the plugin gets.
  app = await installFromRegistry('better-auth-passkey', [
    '--legacy-peer-deps',
    'better-auth@1',
    '@better-auth/passkey@1',
  ]);
  if (app)
    copyFileSync(
      new URL('./fixtures/better-auth-passkey-app.mjs', import.meta.url),
      join(app, 'better-auth-passkey-app.mjs'),
    );
}, 300_000);

describe('npx factorkit import --from better-auth: passkeys registered through better-auth', () => {
  it("a passkey registered through better-auth's passkey plugin signs in to factorkit after the import", async (t) => {
    if (!app) return t.skip();
    const env = { FACTORKIT_ROOT: resolve('.'), APP_DATABASE: join(dir, 'app.db'), APP_SECRET };
    const step = async (extra: Record<string, string>) =>
      JSON.parse(await runNode(app!, 'better-auth-passkey-app.mjs', { ...env, ...extra }));
    const begun = (await step({ APP_STEP: 'options' })) as {
      userId: string;
      options: WebauthnCreationOptions;
      cookie: string;
    };
    const authenticator = new SoftAuthenticator();
    const response = authenticator.create(begun.options, ORIGIN);
    const stored = await step({
      APP_STEP: 'verify',
      APP_COOKIE: begun.cookie,
      APP_RESPONSE: JSON.stringify(response),
    });
    expect(stored).toMatchObject({ credentialID: response.id, name: 'Old YubiKey' });

    const store = join(dir, '2fa.db');
    const run = await runCli(
      [
        'import',
        '--from',
        'better-auth',
        '--database-url',
        `sqlite:${env.APP_DATABASE}`,
        '--store',
        `sqlite:${store}`,
        '--rp-id',
        RP_ID,
        '--origin',
        ORIGIN,
      ],
      { env: { ...ENV, BETTER_AUTH_SECRET: APP_SECRET } },
    );
    expect(run.stderr).not.toContain('refused');
    expect(run.code).toBe(EXIT.ok);
    expect(run.stdout).toContain('imported: 1\n');
    const h = facadeOver(store);
    expect(await h.tf.webauthn.list(begun.userId)).toMatchObject([
      { id: response.id, label: 'Old YubiKey', transports: ['usb'] },
    ]);
    // The authenticator sends the random handle better-auth gave it, which better-auth never kept.
    expect((await signInWithKey({ tf: h.tf } as never, begun.userId, authenticator)).ok).toBe(true);
    h.close();
  }, 180_000);
});
