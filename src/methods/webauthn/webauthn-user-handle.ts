import type { MethodContext } from '../context.js';
import type { StoredCredential } from './webauthn-credentials.js';

/**
 * The user handle a new key of this user gets (base64url): the one the user's keys already carry,
 * so an authenticator sees one account, or for a first key a keyed hash of the user id under the
 * current key, never the id itself, so a key shows no one who it belongs to. It is stored with
 * each credential: the authenticator keeps it forever, and a rotated key must not change it.
 */
export function userHandleFor(ctx: MethodContext, userId: string, keys: readonly StoredCredential[]): string {
  return (
    keys.find((key) => key.userHandle !== undefined)?.userHandle ??
    ctx.keyring.hash(userId, 'webauthn-user-handle')!
  );
}

/**
 * Whether an assertion's user handle fits the key that signed it: absent (authenticators of
 * non-discoverable keys send none), or the handle stored at registration. A key registered before
 * handles were stored takes the first one it shows (after its signature is verified): that handle
 * was derived with whichever key was current then, perhaps one rotated away since, and the
 * signature, not this unsigned field, is what proves the key.
 */
export function handleFits(key: StoredCredential, presented: string | undefined): boolean {
  return presented === undefined || key.userHandle === undefined || presented === key.userHandle;
}
