import type { Fields } from '../../store/store.js';
import { matchChallengeCode } from '../code-channel.js';
import type { MethodContext } from '../context.js';
import { defineMethod } from '../method-module.js';
import type { CodeAttempt } from '../proof.js';
import { type UserRecords, userField } from '../user-records.js';
import {
  type PhoneContext,
  type PhoneSettings,
  phoneChannel,
  phoneFields,
  phoneKeys,
  phoneOptionsSchema,
} from './phone-channel.js';
import { createPhoneLogin } from './phone-login.js';
import { maskPhone } from './phone-number.js';
import { phoneMessages, phoneRoutes, phoneStatusBody } from './phone-routes.js';
import { createPhoneApi, createPhoneInSession } from './phone-setup.js';

/**
 * Six-digit codes by text message or voice call: what NIST SP 800-63B-4 calls a *restricted*
 * authenticator (the phone network can be talked into moving a number: SIM swap, port-out), so it
 * is off until the host passes option `phone` (a sender), and never offered nor accepted on a
 * challenge that demands phishing resistance. In `{tag}:user`: `phone` (the number, E.164; on while
 * present), `phoneAt`. A setup in progress: `{tag}:phone-pending`; the send budget:
 * `{tag}:phone-sends`. A login's code lives in its challenge record, bound to it.
 */
export const phoneModule = defineMethod({
  id: 'phone',
  role: 'factor',
  offered: true,
  phishingResistant: false,
  userFields: [phoneFields.number, phoneFields.at],
  enabledField: phoneFields.number,
  records: {},
  keys: (userId: string) => [phoneKeys.pending(userId)],
  pendingKeys: (userId: string) => [phoneKeys.pending(userId)],
  options: {
    /** Text-message and voice codes: a sender, and the limits (see `PhoneOptions`). Off when unset. */
    phone: phoneOptionsSchema.optional(),
  },
  services: (ctx: MethodContext, options: { phone?: PhoneSettings | undefined }) => ({
    phoneChannel: options.phone ? phoneChannel(ctx, options.phone) : null,
    phoneSettings: options.phone ?? null,
  }),
  available: (ctx: PhoneContext) => ctx.phoneChannel !== null,
  usable: (_ctx: MethodContext, user: UserRecords) => userField(user, phoneFields.number) !== undefined,
  matchCode: (ctx: PhoneContext, attempt: CodeAttempt) =>
    ctx.phoneChannel ? matchChallengeCode(ctx.phoneChannel, attempt) : null,
  status(_ctx: MethodContext, user: UserRecords) {
    const number = userField(user, phoneFields.number);
    /** The confirmed number, masked (`+*******0123`), or null. */
    return { phone: number ? maskPhone(number) : null };
  },
  // A code's keyed hash cannot move to another key (the code is not kept): it lapses with the code.
  keyUses: [
    {
      kind: 'phone-code',
      life: 'lapses',
      records: ['challenge:', 'phone-pending'],
      keyIds: (fields: Fields, now: number) => {
        const { phoneCode, phoneCodeKid } = fields;
        const live =
          phoneCode !== undefined && phoneCode !== 'void' && now < Number(fields['phoneCodeExpiresAt'] ?? 0);
        return live && phoneCodeKid !== undefined ? [phoneCodeKid] : [];
      },
    },
  ],
  api: { name: 'phone', create: createPhoneApi, inSession: createPhoneInSession },
  login: { create: createPhoneLogin },
  events: [
    'phone.setup-started',
    'phone.enabled',
    'phone.disabled',
    'phone.code-sent',
    'phone.code-refused',
    'phone.code-failed',
  ],
  notices: { name: 'text-message codes', added: ['phone.enabled'], removed: ['phone.disabled'] },
  http: { routes: phoneRoutes, messages: phoneMessages, status: phoneStatusBody },
});
