import { describe, expect, it } from 'vitest';
import { createTwoFactor } from '../../src/app/create-two-factor.js';
import { createTwoFactorHttp } from '../../src/http/create-http.js';
import { MemoryMailer } from '../../src/mail/memory-mailer.js';
import { simpleWebauthn } from '../../src/methods/webauthn/simple-webauthn.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { KEY } from '../helpers/harness.js';

const SITE = { rpId: 'example.com', rpName: 'CloudFon CX', origin: 'https://cx.example.com' };
const base = { issuer: 'CloudFon CX', store: new MemoryStore(), mailer: new MemoryMailer(), keys: KEY };
/** What every "security keys are off" message must tell: what to install and what to pass. */
const HOW_TO =
  /npm install @simplewebauthn\/server.*import \{ simpleWebauthn \} from 'factorkit\/webauthn'.*webauthn: \{ library: simpleWebauthn \}/;

/**
 * Security keys take their verifier from the host (`factorkit/webauthn`), so the main entry never
 * names the optional peer: without it, keys are off and say how to turn them on.
 */
describe('the WebAuthn library is handed in', () => {
  it('a webauthn option without the library is CONFIG at construction, naming the option and the fix', () => {
    for (const webauthn of [SITE, { userVerification: 'required' as const }, {}]) {
      expect(() => createTwoFactor({ ...base, webauthn })).toThrow(
        expect.objectContaining({
          code: 'CONFIG',
          field: 'options.webauthn.library',
          message: expect.stringMatching(HOW_TO),
        }),
      );
    }
  });

  it('something else given as the library is CONFIG too (the module itself, say)', async () => {
    const server = await import('@simplewebauthn/server');
    expect(() => createTwoFactor({ ...base, webauthn: { library: server as never } })).toThrow(
      expect.objectContaining({ code: 'CONFIG', field: 'options.webauthn.library' }),
    );
  });

  it('without the option, keys are off: their calls throw CONFIG with the fix, other methods work', async () => {
    const tf = createTwoFactor(base);
    await expect(tf.webauthn.beginRegistration('ana', { userName: 'ana', ...SITE })).rejects.toMatchObject({
      code: 'CONFIG',
      message: expect.stringMatching(HOW_TO),
    });
    expect((await tf.status('ana')).securityKeys).toBe(0);
  });

  it('the HTTP layer with a site but a facade without the library is CONFIG when built, not on every registration', () => {
    const off = createTwoFactor(base);
    expect(() => createTwoFactorHttp(off, { webauthn: SITE })).toThrow(
      expect.objectContaining({ code: 'CONFIG', field: 'webauthn', message: expect.stringMatching(HOW_TO) }),
    );
    expect(() => createTwoFactorHttp(off)).not.toThrow();
    const on = createTwoFactor({ ...base, webauthn: { library: simpleWebauthn } });
    expect(() => createTwoFactorHttp(on, { webauthn: SITE })).not.toThrow();
  });

  it('with the library, a registration begins', async () => {
    const tf = createTwoFactor({ ...base, webauthn: { library: simpleWebauthn, ...SITE } });
    const { options } = await tf.webauthn.beginRegistration('ana', { userName: 'ana@example.com' });
    expect(options.rp).toEqual({ name: 'CloudFon CX', id: 'example.com' });
  });
});
