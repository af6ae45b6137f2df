import type { Message, MessageData } from '../methods/method-http.js';
import type { MethodModule } from '../methods/method-module.js';
import { type MethodMessageCode, methodModules } from '../methods/registry.js';
import { lockMessage } from '../services/attempt-limiter.js';

export type { Message, MessageData };

/** The reasons and error codes the HTTP layer answers with, each with its user-facing message. */
export type MessageCode = keyof typeof layerMessages | MethodMessageCode;

/** A full catalogue: one message per code. */
export type MessageCatalogue = Record<MessageCode, Message>;

const seconds = (data: MessageData) => Math.max(1, Math.ceil(((data.retryAt ?? data.now) - data.now) / 1000));

/** The layer's own messages, worded as the help page words them ("Please try again in five minutes."). */
const layerMessages = {
  'invalid-code': (d: MessageData) =>
    `Invalid authentication code. ${d.attemptsLeft} attempt${d.attemptsLeft === 1 ? '' : 's'} left.`,
  locked: (d: MessageData) => lockMessage((d.retryAt ?? d.now) - d.now),
  'challenge-ended': 'Too many failed attempts. Please sign in again.',
  expired: 'This code has expired. Please start again.',
  'unknown-challenge': 'This sign-in is no longer valid. Please sign in again.',
  'session-ended': 'Too many failed attempts. You have been signed out: please sign in again.',
  cooldown: (d: MessageData) => `Please wait ${seconds(d)} seconds before sending another code.`,
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
  'delivery-failed': 'The code could not be sent. Please try again later.',
  'store-unavailable': 'The service is unavailable. Please try again shortly.',
  internal: 'Something went wrong. Please try again.',
} satisfies Record<string, Message>;

/** The English catalogue of the layer and of `modules`' routes. */
export function messagesOf(modules: readonly MethodModule[]): Readonly<Record<string, Message>> {
  return Object.assign({}, layerMessages, ...modules.map((m) => m.http?.messages ?? {}));
}

/** English, worded as the help page words it: the layer's messages and the built-in methods'. */
export const englishMessages = messagesOf(methodModules) as MessageCatalogue;

/** What a message may use of an answer's body: its numbers, and the field at fault. */
export function messageData(body: Record<string, unknown>, now: number): MessageData {
  // One object, no entry arrays: this runs on every answer with a reason or an error code.
  const data: Record<string, number | string> = {};
  for (const name in body) {
    if (!Object.hasOwn(body, name)) continue;
    const value = body[name];
    if (typeof value === 'number' || (name === 'field' && typeof value === 'string')) data[name] = value;
  }
  data['now'] = now;
  return data as MessageData;
}

/**
 * The message for `code`, from `catalogue` when it has one, else from `english` (the built-in
 * methods' by default); null for an unknown code. A message that is a function gets the answer's
 * {@link messageData} (made only then).
 */
export function renderMessage(
  code: string,
  body: Record<string, unknown>,
  now: () => number,
  catalogue: Partial<MessageCatalogue> | undefined,
  english: Readonly<Record<string, Message>> = englishMessages,
): string | null {
  const message = (catalogue as Record<string, Message | undefined> | undefined)?.[code] ?? english[code];
  if (message === undefined) return null;
  return typeof message === 'function' ? message(messageData(body, now())) : message;
}
