import type { WebauthnRequestOptions } from '../../methods/webauthn/webauthn-json.js';
import type { Context } from '../context.js';
import { parseChallengeId } from './challenge-id.js';

/** What `login.webauthnOptions` answers. */
export type WebauthnOptionsResult =
  | { ok: true; options: WebauthnRequestOptions }
  | { ok: false; reason: 'unknown-challenge' | 'challenge-ended' | 'expired' | 'no-webauthn' };

/**
 * `login.webauthnOptions`: a new security-key ceremony for an open challenge (the one `login.start`
 * gave lasts 5 minutes): the options for `navigator.credentials.get()`. The new ceremony voids the
 * last one.
 */
export function createWebauthnOptions(ctx: Context) {
  return async (challengeId: string): Promise<WebauthnOptionsResult> => {
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
    const ceremony = await ctx.methods.challengeAdditions(userId, reads.records(records), ['webauthn'], now);
    const options = ceremony.extras['webauthnOptions'] as WebauthnRequestOptions | undefined;
    if (!options) return { ok: false, reason: 'no-webauthn' };
    const result = await ctx.store.commit(
      [{ type: 'merge', key, fields: ceremony.fields, absent: ['ended'] }],
      now,
    );
    if (!result.ok) return { ok: false, reason: 'challenge-ended' };
    return { ok: true, options };
  };
}
