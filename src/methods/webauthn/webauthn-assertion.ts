import { randomToken } from '../../core/random.js';
import { storeKeys } from '../../store/keys.js';
import type { Fields } from '../../store/store.js';
import type { ChallengeAddition, CodeMatch, ResponseAttempt } from '../proof.js';
import type { UserRecords } from '../user-records.js';
import { ranEmbedded } from './webauthn-client-data.js';
import type { WebauthnContext } from './webauthn-context.js';
import {
  credentialField,
  credentialsOf,
  credentialValue,
  type StoredCredential,
} from './webauthn-credentials.js';
import {
  knownTransports,
  type WebauthnAssertionResponse,
  type WebauthnRequestOptions,
} from './webauthn-json.js';
import { webauthnLibrary } from './webauthn-library.js';
import { handleFits } from './webauthn-user-handle.js';

/** How long a ceremony's challenge may be answered. */
export const CEREMONY_TTL_MS = 300_000;

/** Challenge-record fields of the WebAuthn ceremony a login challenge offers. */
const CHALLENGE_FIELD = 'waChallenge';
const UNTIL_FIELD = 'waUntil';

/** The user's keys, from the records a login read. */
export const keysOf = (user: UserRecords): StoredCredential[] => credentialsOf(user['webauthn']?.fields);

/**
 * A new ceremony for a login challenge: a random challenge (5 minutes) kept in the challenge
 * record, and the options for `navigator.credentials.get()` naming the user's keys.
 */
export function assertionCeremony(
  ctx: WebauthnContext,
  user: UserRecords,
  now: number,
):
  | (ChallengeAddition<{ webauthnOptions: WebauthnRequestOptions }> & { options: WebauthnRequestOptions })
  | null {
  const keys = keysOf(user);
  const rpId = keys[0]?.rpId;
  if (rpId === undefined) return null;
  const challenge = randomToken(ctx.random, 32);
  const options: WebauthnRequestOptions = {
    challenge,
    timeout: CEREMONY_TTL_MS,
    rpId,
    allowCredentials: keys
      .filter((key) => key.rpId === rpId)
      .map((key) => ({
        id: key.id,
        type: 'public-key' as const,
        transports: knownTransports(key.transports),
      })),
    userVerification: ctx.webauthn.userVerification,
  };
  const fields: Fields = { [CHALLENGE_FIELD]: challenge, [UNTIL_FIELD]: String(now + CEREMONY_TTL_MS) };
  return { fields, extras: { webauthnOptions: options }, options };
}

/**
 * Verifies a security key's assertion against the user's key it names and the ceremony of this
 * challenge. A match updates the key's counter and last use, guarded by the key being as read (two
 * uses at once: one wins), and is consumed with the challenge's end, guarded by the ceremony still
 * being this one. A counter that did not grow is a cloned key: refused, reported.
 */
export async function matchAssertion(
  ctx: WebauthnContext,
  attempt: ResponseAttempt<WebauthnAssertionResponse>,
): Promise<CodeMatch | null> {
  const { challenge, response, now, userId } = attempt;
  const expected = challenge[CHALLENGE_FIELD];
  if (expected === undefined || !(now < Number(challenge[UNTIL_FIELD]))) return null;
  const key = keysOf(attempt.user).find((candidate) => candidate.id === response.id);
  if (!key || ranEmbedded(response.response.clientDataJSON)) return null;
  // A discoverable credential names its user: the handle it was registered with, or it is refused.
  const { userHandle } = response.response;
  if (!handleFits(key, userHandle)) return null;
  const library = webauthnLibrary(ctx.webauthn).server;
  let verified: Awaited<ReturnType<typeof library.verifyAuthenticationResponse>>;
  try {
    verified = await library.verifyAuthenticationResponse({
      response: response as Parameters<typeof library.verifyAuthenticationResponse>[0]['response'],
      expectedChallenge: expected,
      expectedOrigin: key.origin,
      expectedRPID: key.rpId,
      // Counter checks are ours (below), so a regression is told apart from a bad signature.
      credential: { id: key.id, publicKey: Buffer.from(key.publicKey, 'base64url'), counter: 0 },
      requireUserVerification: ctx.webauthn.userVerification === 'required',
    });
  } catch {
    return null;
  }
  if (!verified.verified) return null;
  const { newCounter, credentialBackedUp, credentialDeviceType } = verified.authenticationInfo;
  // Backup eligibility is fixed when a credential is made: a key that now says otherwise is not it.
  if ((credentialDeviceType === 'multiDevice') !== key.backupEligible) return null;
  if ((newCounter > 0 || key.counter > 0) && newCounter <= key.counter) {
    return {
      kind: 'refused',
      event: { type: 'webauthn.counter-regressed', detail: { credentialId: key.id } },
    };
  }
  const field = credentialField(key.id);
  const used = credentialValue({
    ...key,
    counter: newCounter,
    backedUp: credentialBackedUp,
    lastUsedAt: now,
    // A key registered before handles were kept records the one it shows, once verified.
    userHandle: key.userHandle ?? userHandle,
  });
  return {
    kind: 'match',
    method: 'webauthn',
    ops: [
      {
        type: 'merge',
        key: storeKeys.webauthn(userId),
        fields: { [field]: used },
        match: { [field]: credentialValue(key) },
      },
    ],
    challengeMatch: { [CHALLENGE_FIELD]: expected },
  };
}
