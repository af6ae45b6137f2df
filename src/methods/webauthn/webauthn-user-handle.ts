import type { MethodContext } from '../context.js';

/**
 * The user handle an authenticator keeps for a user (base64url): a keyed hash of the user id, never
 * the id itself, so a key shows no one who it belongs to.
 */
export function userHandleOf(ctx: MethodContext, userId: string): string {
  return ctx.keyring.hash(userId, 'webauthn-user-handle') as string;
}
