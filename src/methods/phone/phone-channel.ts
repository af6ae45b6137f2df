import { z } from 'zod';
import { FactorkitError } from '../../core/errors.js';
import { isFunction } from '../../core/validation.js';
import { userRecordKey } from '../../store/keys.js';
import type { CodeChannel } from '../code-channel.js';
import type { MethodContext } from '../context.js';
import { SentCodes } from '../sent-codes.js';
import { maskPhone } from './phone-number.js';
import {
  defaultPhoneMessage,
  type PhoneDelivery,
  type PhoneMessageTemplate,
  type PhoneSender,
} from './phone-sender.js';

const MINUTE_MS = 60_000;

/** The `{tag}:user` fields of the phone method: the confirmed number (on while present), when. */
export const phoneFields = { number: 'phone', at: 'phoneAt' } as const;

/** A setup in progress (the number and its code), and the send budget. */
export const phoneKeys = {
  pending: (userId: string) => userRecordKey(userId, 'phone-pending'),
  sends: (userId: string) => userRecordKey(userId, 'phone-sends'),
};

/** Option `phone` of `createTwoFactor`: text-message and voice codes are off without it. */
export const phoneOptionsSchema = z
  .object({
    /** Sends the texts and places the calls. */
    sender: z.custom<PhoneSender>(
      (value) => typeof value === 'object' && value !== null && isFunction((value as PhoneSender).send),
      { message: 'must have a send(message) method' },
    ),
    /** Replaces the words that carry a code. */
    template: z.custom<PhoneMessageTemplate>(isFunction, { message: 'must be a function' }).optional(),
    /** How long a code may be used (default 10 minutes). */
    codeTtlMs: z
      .number()
      .int()
      .min(MINUTE_MS)
      .max(60 * MINUTE_MS)
      .default(10 * MINUTE_MS),
    /** Between two sends to one user (default a minute). */
    resendCooldownMs: z
      .number()
      .int()
      .min(0)
      .max(60 * MINUTE_MS)
      .default(MINUTE_MS),
    /** Sends per user per hour, setup and login together (default 10). */
    sendsPerHour: z.number().int().min(1).max(100).default(10),
    /**
     * The numbers codes may go to, by prefix (`['+1', '+44']`): every number when unset. Texts to
     * premium and far-away numbers cost money, and toll fraud sends many.
     */
    allowedPrefixes: z
      .array(z.string().regex(/^\+[1-9]\d{0,14}$/, 'must be + and digits'))
      .min(1)
      .optional(),
    /** The site's domain (`app.example.com`): texts end with `@app.example.com #123456` for autofill on that site only. */
    domain: z
      .string()
      .regex(/^[a-z0-9.-]{1,253}$/, 'must be a lowercase domain')
      .optional(),
  })
  .strict();

/** Option `phone` of `createTwoFactor`, as the host writes it. */
export type PhoneOptionsInput = z.input<typeof phoneOptionsSchema>;
/** What option `phone` is, parsed. */
export type PhoneSettings = z.output<typeof phoneOptionsSchema>;

/** Phone codes as a code channel: the number confirmed at setup, the option's limits. */
export type PhoneChannel = CodeChannel<'no-phone', PhoneDelivery>;

/** The phone method's context: the shared one, its channel (null while off) and settings. */
export type PhoneContext = MethodContext & {
  phoneChannel: PhoneChannel | null;
  phoneSettings: PhoneSettings | null;
};

/** The channel over `settings.sender`. */
export function phoneChannel(ctx: MethodContext, settings: PhoneSettings): PhoneChannel {
  const codes = new SentCodes({
    keys: ctx.keyring,
    context: 'phone-code',
    fields: { code: 'phoneCode', kid: 'phoneCodeKid', expiresAt: 'phoneCodeExpiresAt' },
    budgetKey: phoneKeys.sends,
    now: ctx.now,
    random: ctx.random,
  });
  const template = settings.template ?? defaultPhoneMessage;
  return {
    method: 'phone',
    codes,
    pendingKey: phoneKeys.pending,
    destinationField: phoneFields.number,
    enabledAtField: phoneFields.at,
    detailName: 'number',
    limits: () => ({
      ttlMs: settings.codeTtlMs,
      cooldownMs: settings.resendCooldownMs,
      perHour: settings.sendsPerHour,
    }),
    mask: maskPhone,
    async deliver({ to, code, purpose, expiresAt, extra: kind }) {
      const expiresInMinutes = Math.max(1, Math.round((expiresAt - ctx.now()) / MINUTE_MS));
      const text = template({
        code,
        issuer: ctx.issuer,
        purpose,
        kind,
        expiresInMinutes,
        domain: settings.domain,
      });
      try {
        await settings.sender.send({ to, text, kind });
      } catch (cause) {
        throw new FactorkitError('DELIVERY_FAILED', `could not send the ${purpose} code by ${kind}`, {
          cause,
        });
      }
    },
    missing: 'no-phone',
  };
}
