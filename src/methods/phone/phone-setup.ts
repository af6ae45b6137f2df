import { z } from 'zod';
import { ConfigError, InvalidInputError } from '../../core/errors.js';
import { parseInput, userIdSchema } from '../../core/validation.js';
import type { SentCodeResult } from '../code-channel.js';
import { beginCodeSetup, confirmCodeSetup, confirmCodeSetupIn } from '../code-channel-setup.js';
import type { SetupResult } from '../enable.js';
import type { CodeSetupInSession } from '../setup-attempt.js';
import type { PhoneChannel, PhoneContext, PhoneSettings } from './phone-channel.js';
import { numberAllowed, phoneNumberSchema } from './phone-number.js';
import type { PhoneDelivery } from './phone-sender.js';

/** Outcome of sending a code by phone (setup or login): when refused, why, and when to try again. */
export type PhoneSendResult = SentCodeResult<'no-phone'>;

/** How to send: a text message (default) or a call. */
export type PhoneSendOptions = { kind?: PhoneDelivery | undefined };

/** The text-message and voice part of the facade (`tf.phone`; option `phone` turns it on). */
export interface PhoneApi {
  /**
   * Sends a six-digit code to `number` (international, normalised: `+14155550123`); the method is
   * enabled once the code is confirmed.
   * @throws {FactorkitError} `CONFIG` when option `phone` is not set; `INVALID_INPUT` for a number
   * that is not E.164 or not among `allowedPrefixes`.
   */
  beginSetup(userId: string, number: string, options?: PhoneSendOptions): Promise<PhoneSendResult>;
  /** Confirms the code sent to the number; enables text-message codes. */
  confirmSetup(userId: string, code: string): Promise<SetupResult>;
}

const sendOptionsSchema = z.object({ kind: z.enum(['sms', 'voice']).optional() }).optional();

/** The channel, or `CONFIG` while the host has the method off. */
export function channelOf(ctx: PhoneContext): { channel: PhoneChannel; settings: PhoneSettings } {
  if (ctx.phoneChannel === null || ctx.phoneSettings === null)
    throw new ConfigError(
      'options.phone',
      'text-message codes are off: createTwoFactor({ phone: { sender } })',
    );
  return { channel: ctx.phoneChannel, settings: ctx.phoneSettings };
}

/** How to send a code, from the caller's options (a text unless a call is asked for). */
export const deliveryOf = (options: unknown): PhoneDelivery =>
  parseInput(sendOptionsSchema, options, 'options')?.kind ?? 'sms';

export function createPhoneApi(ctx: PhoneContext): PhoneApi {
  return {
    async beginSetup(userIdInput, numberInput, options) {
      const { channel, settings } = channelOf(ctx);
      const userId = parseInput(userIdSchema, userIdInput, 'userId');
      const number = parseInput(phoneNumberSchema, numberInput, 'number');
      if (!numberAllowed(number, settings.allowedPrefixes))
        throw new InvalidInputError('number', 'codes are not sent to this country');
      return beginCodeSetup(ctx, channel, userId, number, deliveryOf(options));
    },
    confirmSetup: async (userId, code) => confirmCodeSetup(ctx, channelOf(ctx).channel, userId, code),
  };
}

/** `phone.confirmSetup` bound to the session it comes from (the HTTP layer's), as `api.inSession` gives it. */
export function createPhoneInSession(ctx: PhoneContext): CodeSetupInSession {
  return {
    confirmSetup: async (userId, code, session) =>
      confirmCodeSetupIn(ctx, channelOf(ctx).channel, userId, code, session),
  };
}
