import 'express-session';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { describe, expectTypeOf, it } from 'vitest';
import type { TwoFactorRouterOptions } from '../../src/entries/express.js';
import type {
  LoginStart,
  SecurityKey,
  SetupResult,
  TwoFactor,
  VerifyResult,
} from '../../src/entries/index.js';
import {
  createTwoFactor,
  type FactorkitError,
  type FactorkitErrorCode,
  type TotpVerifier,
  type WebauthnRequestOptions,
} from '../../src/entries/index.js';

// Compile-time checks of the public surface (run by `npm run typecheck`); the runtime part is trivial.
describe('public types', () => {
  it('createTwoFactor returns the facade', () => {
    expectTypeOf(createTwoFactor).returns.toEqualTypeOf<TwoFactor>();
    expectTypeOf<TwoFactor['login']['verify']>().returns.resolves.toEqualTypeOf<VerifyResult>();
    expectTypeOf<TwoFactor['login']['start']>().returns.resolves.toEqualTypeOf<LoginStart>();
    expectTypeOf<TwoFactor['totp']['confirmSetup']>().returns.resolves.toEqualTypeOf<SetupResult>();
    expectTypeOf<TwoFactor['login']['verifyWebauthn']>().returns.resolves.toEqualTypeOf<VerifyResult>();
    expectTypeOf<TwoFactor['webauthn']['list']>().returns.resolves.toEqualTypeOf<SecurityKey[]>();
  });

  it('results narrow on ok and reason', () => {
    const handle = (result: VerifyResult) => {
      if (result.ok)
        expectTypeOf(result.method).toEqualTypeOf<
          'webauthn' | 'totp' | 'email' | 'phone' | 'backup-code' | 'admin-code'
        >();
      else if (result.reason === 'locked') expectTypeOf(result.message).toEqualTypeOf<string>();
      else if (result.reason === 'invalid-code') expectTypeOf(result.attemptsLeft).toEqualTypeOf<number>();
    };
    expectTypeOf(handle).toBeFunction();
    expectTypeOf<LoginStart & { status: 'challenge' }>().toHaveProperty('challengeId');
  });

  it("WebAuthn takes @simplewebauthn's response JSON as is, and gives options its browser half takes", () => {
    type Webauthn = TwoFactor['webauthn'];
    expectTypeOf<RegistrationResponseJSON>().toExtend<Parameters<Webauthn['finishRegistration']>[1]>();
    expectTypeOf<AuthenticationResponseJSON>().toExtend<
      Parameters<TwoFactor['login']['verifyWebauthn']>[1]
    >();
    expectTypeOf<
      Awaited<ReturnType<Webauthn['beginRegistration']>>['options']
    >().toExtend<PublicKeyCredentialCreationOptionsJSON>();
    expectTypeOf<WebauthnRequestOptions>().toExtend<PublicKeyCredentialRequestOptionsJSON>();
    expectTypeOf<Awaited<ReturnType<Webauthn['beginRegistration']>>['expiresAt']>().toEqualTypeOf<number>();
  });

  it('TotpVerifier and errors', () => {
    expectTypeOf<TotpVerifier['verifyCode']>().returns.toEqualTypeOf<
      { ok: true; step: number } | { ok: false }
    >();
    expectTypeOf<FactorkitError['code']>().toEqualTypeOf<FactorkitErrorCode>();
    expectTypeOf<FactorkitErrorCode>().toExtend<string>();
  });

  it('the Express adapter takes express-session as is, and host callbacks may return anything', () => {
    const options: TwoFactorRouterOptions = {
      session: (req) => req.session,
      csrf: (req) => req.get('x-csrf-token'),
      canManagePolicy: (req) => req.session.cookie,
      onError: () => 1,
    };
    expectTypeOf(options.session).returns.not.toBeAny();
  });
});
