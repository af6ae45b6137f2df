import type { CodeMessageTemplate } from '../../mail/templates.js';
import { storeKeys } from '../../store/keys.js';
import { userFields } from '../../store/layout.js';
import type { CodeChannel } from '../code-channel.js';
import type { MethodContext } from '../context.js';
import { maskEmail } from './email-address.js';
import { EmailCodeIssuer } from './email-code-issuer.js';

/** Email codes as a code channel: the address confirmed at setup, the policy's email limits. */
export type EmailChannel = CodeChannel<'no-email', undefined>;

/** The email method's context: the shared one and its channel (option `emailTemplate`). */
export type EmailContext = MethodContext & { emailChannel: EmailChannel };

/** The channel over the facade's mailer, rendering with `template` (the default English one when unset). */
export function emailChannel(ctx: MethodContext, template: CodeMessageTemplate | undefined): EmailChannel {
  const issuer = new EmailCodeIssuer({
    store: ctx.store,
    mailer: ctx.mailer,
    keys: ctx.keyring,
    issuer: ctx.issuer,
    now: ctx.now,
    random: ctx.random,
    ...(template ? { template } : {}),
  });
  return {
    method: 'email',
    codes: issuer,
    pendingKey: storeKeys.emailPending,
    destinationField: userFields.email,
    enabledAtField: userFields.emailAt,
    detailName: 'address',
    limits: (policy) => ({
      ttlMs: policy.emailCodeTtlMs,
      cooldownMs: policy.emailResendCooldownMs,
      perHour: policy.emailSendsPerHour,
    }),
    mask: maskEmail,
    deliver: (input) => issuer.deliver(input),
    missing: 'no-email',
  };
}
