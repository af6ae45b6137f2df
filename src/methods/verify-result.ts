/** Options of a verify: trust this browser (at login, when the policy allows it) under a label. */
export type VerifyOptions = { rememberDevice?: boolean | undefined; deviceLabel?: string | undefined };

/** What `login.verify` answers, `Method` being the methods that can end a challenge: one variant per reason. */
export type VerifyResultOf<Method extends string = string> =
  | {
      ok: true;
      userId: string;
      method: Method;
      purpose: 'login' | 'step-up';
      /**
       * When the proof was accepted (ms, the facade's clock). Open the session with it
       * (`sessions.open(userId, { provenAt })`): a change that ended the user's sessions after the
       * proof, while this request was on its way, ends this session too.
       */
      provenAt: number;
      deviceToken?: string;
      deviceExpiresAt?: number;
      deviceId?: string;
    }
  | { ok: false; reason: 'invalid-code'; attemptsLeft: number }
  | { ok: false; reason: 'locked'; retryAt: number; attemptsLeft: number; message: string }
  | { ok: false; reason: 'challenge-ended' | 'expired' | 'unknown-challenge' }
  /**
   * A step-up started with `session`: its budget of wrong codes is spent (or the session is gone).
   * The session is ended (and a trusted browser that opened it without a second factor forgotten):
   * sign it out. The account's sign-in is untouched.
   */
  | { ok: false; reason: 'session-ended' };

/** The facade's own login calls, as a method's login calls may use them (`verifyWebauthn` over `verify`). */
export interface CoreLogin {
  verify(challengeId: string, proof: string | object, options?: VerifyOptions): Promise<VerifyResultOf>;
}
