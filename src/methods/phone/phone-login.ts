import { sendChallengeCode } from '../code-channel.js';
import type { PhoneContext } from './phone-channel.js';
import { channelOf, deliveryOf, type PhoneSendOptions, type PhoneSendResult } from './phone-setup.js';

/** What text-message codes add to `tf.login`. */
export interface PhoneLogin {
  /**
   * "Send code by text message" (or `{ kind: 'voice' }`, by a call): a new code for the challenge,
   * voiding the previous one, within the send budget.
   * @throws {FactorkitError} `CONFIG` when option `phone` is not set.
   */
  sendPhoneCode(challengeId: string, options?: PhoneSendOptions): Promise<PhoneSendResult>;
}

export function createPhoneLogin(ctx: PhoneContext): PhoneLogin {
  return {
    sendPhoneCode: async (challengeId, options) =>
      sendChallengeCode(ctx, channelOf(ctx).channel, challengeId, deliveryOf(options)),
  };
}
