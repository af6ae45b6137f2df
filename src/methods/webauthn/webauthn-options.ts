import { parseChallengeId } from '../challenge-id.js';
import type { CoreLogin, VerifyOptions, VerifyResultOf } from '../verify-result.js';
import { assertionCeremony } from './webauthn-assertion.js';
import type { WebauthnContext } from './webauthn-context.js';
import type { WebauthnAssertionResponse, WebauthnRequestOptions } from './webauthn-json.js';

/** What `login.webauthnOptions` answers. */
export type WebauthnOptionsResult =
  | { ok: true; options: WebauthnRequestOptions }
  | { ok: false; reason: 'unknown-challenge' | 'challenge-ended' | 'expired' | 'no-webauthn' };

/** What security keys add to `tf.login`. */
export interface WebauthnLogin {
  /** "Use a security key": new options for `navigator.credentials.get()` on an open challenge. */
  webauthnOptions(challengeId: string): Promise<WebauthnOptionsResult>;
  /**
   * A security key's response: ends the challenge exactly as a code does.
   * @deprecated Use `login.verify(challengeId, { method: 'webauthn', response }, options)`; this
   * alias goes in the next minor version.
   */
  verifyWebauthn(
    challengeId: string,
    response: WebauthnAssertionResponse,
    options?: VerifyOptions,
  ): Promise<VerifyResultOf>;
}

/** `login.webauthnOptions` and the deprecated `login.verifyWebauthn`. */
export function createWebauthnLogin(ctx: WebauthnContext, core: CoreLogin): WebauthnLogin {
  return {
    webauthnOptions: (challengeId) => renewCeremony(ctx, challengeId),
    verifyWebauthn: (challengeId, response, options) =>
      core.verify(challengeId, { method: 'webauthn', response }, options),
  };
}

/**
 * A new security-key ceremony for an open challenge (the one `login.start` gave lasts 5 minutes):
 * the options for `navigator.credentials.get()`. The new ceremony voids the last one.
 */
async function renewCeremony(ctx: WebauthnContext, challengeId: string): Promise<WebauthnOptionsResult> {
  const parsed = parseChallengeId(challengeId);
  if (!parsed) return { ok: false, reason: 'unknown-challenge' };
  const { userId, key } = parsed;
  const now = ctx.now();
  const reads = ctx.methods.reads(userId);
  const [challenge, ...records] = await ctx.store.getMany([key, ...reads.keys], now);
  if (!challenge) return { ok: false, reason: 'unknown-challenge' };
  if (challenge.fields['ended'] !== undefined) return { ok: false, reason: 'challenge-ended' };
  if (now >= Number(challenge.fields['deadline'])) return { ok: false, reason: 'expired' };
  const offered = (challenge.fields['methods'] ?? '').split(',');
  if (!offered.includes('webauthn')) return { ok: false, reason: 'no-webauthn' };
  const ceremony = assertionCeremony(ctx, reads.records(records), now);
  if (!ceremony) return { ok: false, reason: 'no-webauthn' };
  const result = await ctx.store.commit(
    [{ type: 'merge', key, fields: ceremony.fields, absent: ['ended'] }],
    now,
  );
  if (!result.ok) return { ok: false, reason: 'challenge-ended' };
  return { ok: true, options: ceremony.options };
}
