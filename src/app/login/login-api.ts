import type { MethodLoginCalls } from '../../methods/registry.js';
import type { VerifyResultOf } from '../../methods/verify-result.js';
import type { Context } from '../context.js';
import { createStart, type LoginStart, type StartOptions } from './start.js';
import { createVerify, type LoginProof, type VerifyOptions, type VerifyResult } from './verify.js';

/** A method's login call that resolves to a verify result is typed with the facade's method ids. */
type WithVerifyResult<Calls> = {
  [K in keyof Calls]: Calls[K] extends (...args: infer A) => Promise<VerifyResultOf>
    ? (...args: A) => Promise<VerifyResult>
    : Calls[K];
};

/** The "Input Authentication Code" step: the facade's own calls, and the methods' (`sendEmailCode`). */
export type LoginApi = WithVerifyResult<MethodLoginCalls> & {
  /**
   * After the password: whether to ask for a code. `stepUp` always asks (re-verification before a
   * sensitive change), ignoring trusted browsers, and never accepts an admin-issued code.
   */
  start(userId: string, options?: StartOptions): Promise<LoginStart>;
  /**
   * "Verify": a proof on the challenge, ending it on a match. A typed code (`'123456'` or
   * `{ code }`: an app's, the email's, a backup code or, at login, an admin-issued one), or a
   * method's own response (`{ method: 'webauthn', response }`).
   */
  verify(challengeId: string, proof: LoginProof, options?: VerifyOptions): Promise<VerifyResult>;
};

/** The facade's own login calls; `createTwoFactor` adds the methods' to the same object. */
export function createLoginApi(ctx: Context): Pick<LoginApi, 'start' | 'verify'> {
  return { start: createStart(ctx), verify: createVerify(ctx) };
}
