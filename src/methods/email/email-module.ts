import { storeKeys } from '../../store/keys.js';
import type { MethodContext } from '../context.js';
import { defineMethod, type UserRecords } from '../method-module.js';
import { maskEmail } from './email-address.js';
import { createEmailApi } from './email-setup.js';

/**
 * Six-digit codes by email. Records: `email` (the address; on while present), `email-pending` (a
 * setup: the address and its code), `email-sends` (the send budget). A login's code lives in its
 * challenge record, bound to it.
 */
export const emailModule = defineMethod({
  id: 'email',
  role: 'factor',
  offered: true,
  records: { email: storeKeys.email },
  enabledRecord: 'email',
  keys: (userId: string) => [storeKeys.email(userId), storeKeys.emailPending(userId)],
  pendingKeys: (userId: string) => [storeKeys.emailPending(userId)],
  usable: (_ctx: MethodContext, user: UserRecords) => Boolean(user['email']),
  matchCode(ctx: MethodContext, { userId, nonce, purpose, code, challenge, user }) {
    if (!user['email']) return null;
    if (!ctx.emailCodes.matches(challenge, code, { purpose, userId, scope: nonce })) return null;
    // Consumed with the challenge's end, guarded by the code still being the one that matched.
    return { kind: 'match', method: 'email', ops: [], challengeMatch: { code: challenge['code'] as string } };
  },
  status(_ctx: MethodContext, user: UserRecords) {
    const address = user['email']?.fields['address'];
    return { email: address ? maskEmail(address) : null };
  },
  api: { name: 'email', create: createEmailApi },
});
