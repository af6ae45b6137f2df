import { z } from 'zod';
import { isFunction } from '../../core/validation.js';
import type { CodeMessageTemplate } from '../../mail/templates.js';
import { storeKeys } from '../../store/keys.js';
import { userFields } from '../../store/layout.js';
import { matchChallengeCode } from '../code-channel.js';
import type { MethodContext } from '../context.js';
import { defineMethod } from '../method-module.js';
import type { CodeAttempt } from '../proof.js';
import { type UserRecords, userField } from '../user-records.js';
import { maskEmail } from './email-address.js';
import { type EmailContext, emailChannel } from './email-channel.js';
import { createEmailLogin } from './email-login.js';
import { emailMessages, emailRoutes, emailStatusBody } from './email-routes.js';
import { createEmailApi, createEmailInSession } from './email-setup.js';

/**
 * Six-digit codes by email. In `{tag}:user`: `email` (the address; on while present), `emailAt`.
 * A setup in progress: `{tag}:email-pending` (the address and its code); the send budget:
 * `{tag}:email-sends`. A login's code lives in its challenge record, bound to it. Option:
 * `emailTemplate`; the mail goes through the facade's `mailer`.
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
  options: {
    /** Replaces the email that carries codes. */
    emailTemplate: z
      .custom<CodeMessageTemplate>(isFunction, { message: 'emailTemplate must be a function' })
      .optional(),
  },
  // The codes go through the facade's mailer (option `mailer`, which security notices use too).
  services: (ctx: MethodContext, options: { emailTemplate?: CodeMessageTemplate | undefined }) => ({
    emailChannel: emailChannel(ctx, options.emailTemplate),
  }),
  usable: (_ctx: MethodContext, user: UserRecords) => userField(user, userFields.email) !== undefined,
  matchCode: (ctx: EmailContext, attempt: CodeAttempt) => matchChallengeCode(ctx.emailChannel, attempt),
  status(_ctx: MethodContext, user: UserRecords) {
    const address = userField(user, userFields.email);
    /** The enabled address, masked (`a***@example.com`), or null. */
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
  api: { name: 'email', create: createEmailApi, inSession: createEmailInSession },
  login: { create: createEmailLogin },
  events: [
    'email.setup-started',
    'email.enabled',
    'email.disabled',
    'email.code-sent',
    'email.code-refused',
    'email.code-failed',
  ],
  notices: { name: 'email codes', added: ['email.enabled'], removed: ['email.disabled'] },
  http: { routes: emailRoutes, messages: emailMessages, status: emailStatusBody },
});
