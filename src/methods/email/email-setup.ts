import { parseInput, userIdSchema } from '../../core/validation.js';
import type { SentCodeResult } from '../code-channel.js';
import { beginCodeSetup, confirmCodeSetup, confirmCodeSetupIn } from '../code-channel-setup.js';
import type { SetupResult } from '../enable.js';
import type { CodeSetupInSession } from '../setup-attempt.js';
import { emailAddressSchema } from './email-address.js';
import type { EmailContext } from './email-channel.js';

/** Outcome of sending a code (setup or login): when refused, why, and when to try again. */
export type SendCodeResult = SentCodeResult<'no-email'>;

/** The email part of the facade. */
export interface EmailApi {
  /** Sends a six-digit code to `address`; the method is enabled once the code is confirmed. */
  beginSetup(userId: string, address: string): Promise<SendCodeResult>;
  /** Confirms the emailed code; enables email authentication. */
  confirmSetup(userId: string, code: string): Promise<SetupResult>;
}

export function createEmailApi(ctx: EmailContext): EmailApi {
  return {
    async beginSetup(userIdInput, addressInput) {
      const userId = parseInput(userIdSchema, userIdInput, 'userId');
      const address = parseInput(emailAddressSchema, addressInput, 'address');
      return beginCodeSetup(ctx, ctx.emailChannel, userId, address, undefined);
    },
    confirmSetup: (userId, code) => confirmCodeSetup(ctx, ctx.emailChannel, userId, code),
  };
}

/** `email.confirmSetup` bound to the session it comes from (the HTTP layer's), as `api.inSession` gives it. */
export function createEmailInSession(ctx: EmailContext): CodeSetupInSession {
  return {
    confirmSetup: (userId, code, session) => confirmCodeSetupIn(ctx, ctx.emailChannel, userId, code, session),
  };
}
