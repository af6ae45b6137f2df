import { storeKeys } from '../../store/keys.js';
import { userFields } from '../../store/layout.js';
import type { MethodContext } from '../context.js';
import { defineMethod, type UserRecords, userField } from '../method-module.js';
import { maskEmail } from './email-address.js';
import { createEmailApi } from './email-setup.js';

/**
 * Six-digit codes by email. In `{tag}:user`: `email` (the address; on while present), `emailAt`.
 * A setup in progress: `{tag}:email-pending` (the address and its code); the send budget:
 * `{tag}:email-sends`. A login's code lives in its challenge record, bound to it.
 */
export const emailModule = defineMethod({
  id: 'email',
  role: 'factor',
  offered: true,
  userFields: [userFields.email, userFields.emailAt],
  enabledField: userFields.email,
  records: {},
  keys: (userId: string) => [storeKeys.emailPending(userId)],
  pendingKeys: (userId: string) => [storeKeys.emailPending(userId)],
  usable: (_ctx: MethodContext, user: UserRecords) => userField(user, userFields.email) !== undefined,
  matchCode(ctx: MethodContext, { userId, nonce, purpose, code, challenge, user }) {
    if (userField(user, userFields.email) === undefined) return null;
    if (!ctx.emailCodes.matches(challenge, code, { purpose, userId, scope: nonce })) return null;
    // Consumed with the challenge's end, guarded by the code still being the one that matched.
    return { kind: 'match', method: 'email', ops: [], challengeMatch: { code: challenge['code'] as string } };
  },
  status(_ctx: MethodContext, user: UserRecords) {
    const address = userField(user, userFields.email);
    return { email: address ? maskEmail(address) : null };
  },
  // A code's keyed hash, in a login challenge or a pending setup: it cannot be moved to another
  // key (the code is not kept) and lapses with its code (10 minutes by default).
  keyUses: [
    {
      kind: 'email-code',
      life: 'lapses',
      records: ['challenge:', 'email-pending'],
      keyIds: (fields, now) => {
        const { code, codeKid } = fields;
        const live = code !== undefined && code !== 'void' && now < Number(fields['codeExpiresAt'] ?? 0);
        return live && codeKid !== undefined ? [codeKid] : [];
      },
    },
  ],
  api: { name: 'email', create: createEmailApi },
});
