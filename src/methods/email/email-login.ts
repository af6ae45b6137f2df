import { sendChallengeCode } from '../code-channel.js';
import type { EmailContext } from './email-channel.js';
import type { SendCodeResult } from './email-setup.js';

/** What email codes add to `tf.login`. */
export interface EmailLogin {
  /** "Send code by email": a new code for the challenge, voiding the previous one. */
  sendEmailCode(challengeId: string): Promise<SendCodeResult>;
}

/** `login.sendEmailCode`: a new code for the challenge (voiding the last), within the send budget. */
export function createEmailLogin(ctx: EmailContext): EmailLogin {
  return { sendEmailCode: (challengeId) => sendChallengeCode(ctx, ctx.emailChannel, challengeId, undefined) };
}
