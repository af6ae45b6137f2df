import { userIdFromTag } from '../store/keys.js';

/** A challenge id is `<user tag>.<128-bit nonce>`: the user is known before any store access. */
export function parseChallengeId(challengeId: unknown): { userId: string; nonce: string } | null {
  if (typeof challengeId !== 'string' || challengeId.length > 1024) return null;
  const dot = challengeId.lastIndexOf('.');
  const nonce = challengeId.slice(dot + 1);
  if (dot < 1 || !/^[A-Za-z0-9_-]{22}$/.test(nonce)) return null;
  const userId = userIdFromTag(challengeId.slice(0, dot));
  return userId === null ? null : { userId, nonce };
}
