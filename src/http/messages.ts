import { lockMessage } from '../services/attempt-limiter.js';

/** What a message may say: the numbers of the answer it goes with. */
export interface MessageData {
  now: number;
  attemptsLeft?: number;
  retryAt?: number;
  field?: string;
  /** The most security keys a user may hold (`too-many-keys`). */
  maxKeys?: number;
}

/** One user-facing message: fixed text, or text made from the answer's numbers. */
export type Message = string | ((data: MessageData) => string);

/** The reasons and error codes the HTTP layer answers with, each with its user-facing message. */
export type MessageCode = keyof typeof englishMessages;

/** A full catalogue: one message per code. */
export type MessageCatalogue = Record<MessageCode, Message>;

const seconds = (data: MessageData) => Math.max(1, Math.ceil(((data.retryAt ?? data.now) - data.now) / 1000));

/** English, worded as the help page words it ("Please try again in five minutes."). */
export const englishMessages = {
  'invalid-code': (d: MessageData) =>
    `Invalid authentication code. ${d.attemptsLeft} attempt${d.attemptsLeft === 1 ? '' : 's'} left.`,
  locked: (d: MessageData) => lockMessage((d.retryAt ?? d.now) - d.now),
  'key-refused': (d: MessageData) =>
    `The security key was not accepted. ${d.attemptsLeft} attempt${d.attemptsLeft === 1 ? '' : 's'} left.`,
  'unknown-key': 'This security key is not registered to your account.',
  'no-webauthn': 'No security key is registered for this account.',
  'too-many-keys': (d: MessageData) =>
    `You have ${d.maxKeys} security keys, the most an account may have. Remove one to add another.`,
  'challenge-ended': 'Too many failed attempts. Please sign in again.',
  expired: 'This code has expired. Please start again.',
  'unknown-challenge': 'This sign-in is no longer valid. Please sign in again.',
  'session-ended': 'Too many failed attempts. You have been signed out: please sign in again.',
  cooldown: (d: MessageData) => `Please wait ${seconds(d)} seconds before sending another code.`,
  'no-email': 'No email address is set up for this account.',
  'no-pending-setup': 'Nothing to confirm: please start the setup again.',
  'not-signed-in': 'Please sign in.',
  'second-factor-required': 'Enter your authentication code to continue.',
  'no-pending-login': 'Please sign in again.',
  'setup-required': 'Your organisation requires two-factor authentication: set up a method to continue.',
  'step-up-required': 'Confirm it’s you: enter an authentication code to continue.',
  'not-authorized': 'You are not allowed to do this.',
  'not-enabled': 'Two-factor authentication is not set up for this account.',
  'no-method': 'Set up two-factor authentication for your own account first.',
  'no-step-up': 'Nothing is waiting for a code: start again.',
  'not-found': 'Not found.',
  csrf: 'This request came from another site and was refused.',
  'json-required': 'Send the request as JSON.',
  'invalid-json': 'The request is not valid JSON.',
  'invalid-input': (d: MessageData) => `Please check the ${d.field ?? 'request'}.`,
  'too-large': 'The request is too large.',
  'bad-request': 'The request could not be read.',
  'mail-failed': 'The email could not be sent. Please try again later.',
  'store-unavailable': 'The service is unavailable. Please try again shortly.',
  internal: 'Something went wrong. Please try again.',
} satisfies Record<string, Message>;

/** The message for `code`, from `catalogue` when it has one, else English; null for an unknown code. */
export function renderMessage(
  code: string,
  data: MessageData,
  catalogue: Partial<MessageCatalogue> | undefined,
): string | null {
  const message = catalogue?.[code as MessageCode] ?? englishMessages[code as MessageCode];
  if (message === undefined) return null;
  return typeof message === 'function' ? message(data) : message;
}
