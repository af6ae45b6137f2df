import type { SendPurpose } from '../sent-codes.js';

/** How a code reaches the phone: a text message, or a call that reads it out. */
export type PhoneDelivery = 'sms' | 'voice';

/** One message to a phone: the number (E.164), the words, and how to deliver them. */
export interface PhoneMessage {
  to: string;
  text: string;
  kind: PhoneDelivery;
}

/**
 * The phone port: sends one text message or places one call (Twilio, Vonage, AWS SNS, a local
 * gateway). Throw (or reject) on failure; factorkit turns it into `DELIVERY_FAILED` and voids the
 * code.
 */
export interface PhoneSender {
  send(message: PhoneMessage): Promise<void>;
}

/** What a template gets. */
export interface PhoneMessageInput {
  code: string;
  issuer: string;
  purpose: SendPurpose;
  kind: PhoneDelivery;
  expiresInMinutes: number;
  /** The site the code is for, when option `phone.domain` is set. */
  domain: string | undefined;
}

/** Renders the words that carry a code; replace it to change wording or language. */
export type PhoneMessageTemplate = (input: PhoneMessageInput) => string;

/**
 * The default English message. A text ends with the origin-bound line (`@app.example.com #123456`)
 * when a domain is set, so browsers offer the code only on that site; a call reads the digits one
 * by one, twice.
 */
export const defaultPhoneMessage: PhoneMessageTemplate = ({
  code,
  issuer,
  kind,
  expiresInMinutes,
  domain,
}) => {
  if (kind === 'voice') {
    const digits = code.split('').join(', ');
    return `Your ${issuer} code is ${digits}. Again: ${digits}.`;
  }
  const minutes = `${expiresInMinutes} minute${expiresInMinutes === 1 ? '' : 's'}`;
  const text = `${code} is your ${issuer} code. It expires in ${minutes}. Do not share it: ${issuer} never asks for it.`;
  return domain ? `${text}\n\n@${domain} #${code}` : text;
};

/** A sender that keeps every message in memory, for tests and development. */
export class MemorySender implements PhoneSender {
  readonly sent: PhoneMessage[] = [];

  async send(message: PhoneMessage): Promise<void> {
    this.sent.push({ ...message });
  }

  /** The newest message to `to`, if any. */
  lastTo(to: string): PhoneMessage | undefined {
    return this.sent.findLast((message) => message.to === to);
  }
}
