import type { SendCodeResult } from '../../methods/email/email-delivery.js';
import type { WebauthnAssertionResponse } from '../../methods/webauthn/webauthn-json.js';
import type { Context } from '../context.js';
import { createSendEmailCode } from './send-email-code.js';
import { createStart, type LoginStart, type StartOptions } from './start.js';
import { createVerify, createVerifyWebauthn, type VerifyOptions, type VerifyResult } from './verify.js';
import { createWebauthnOptions, type WebauthnOptionsResult } from './webauthn-options.js';

/** The "Input Authentication Code" step. */
export interface LoginApi {
  /**
   * After the password: whether to ask for a code. `stepUp` always asks (re-verification before a
   * sensitive change), ignoring trusted browsers, and never accepts an admin-issued code.
   */
  start(userId: string, options?: StartOptions): Promise<LoginStart>;
  /** "Send code by email": a new code for the challenge, voiding the previous one. */
  sendEmailCode(challengeId: string): Promise<SendCodeResult>;
  /** "Verify": an app code, the email code, a backup code or (at login) an admin-issued code. */
  verify(challengeId: string, code: string, options?: VerifyOptions): Promise<VerifyResult>;
  /** "Use a security key": new options for `navigator.credentials.get()` on an open challenge. */
  webauthnOptions(challengeId: string): Promise<WebauthnOptionsResult>;
  /** A security key's response: ends the challenge exactly as a code does. */
  verifyWebauthn(
    challengeId: string,
    response: WebauthnAssertionResponse,
    options?: VerifyOptions,
  ): Promise<VerifyResult>;
}

export function createLoginApi(ctx: Context): LoginApi {
  return {
    start: createStart(ctx),
    sendEmailCode: createSendEmailCode(ctx),
    verify: createVerify(ctx),
    webauthnOptions: createWebauthnOptions(ctx),
    verifyWebauthn: createVerifyWebauthn(ctx),
  };
}
