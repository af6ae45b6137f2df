import { FactorkitError } from '../../core/errors.js';
import type { Keyring, KeysInput } from '../../core/keyring.js';
import type { RandomSource } from '../../core/random.js';
import type { Mailer } from '../../mail/mailer.js';
import { type CodeMessageTemplate, type CodePurpose, defaultCodeMessage } from '../../mail/templates.js';
import { storeKeys } from '../../store/keys.js';
import type { Store } from '../../store/store.js';
import { SentCodes } from '../sent-codes.js';

export type { CodeBinding, SendLimits } from '../sent-codes.js';

/** Options of {@link EmailCodeIssuer}. */
export interface EmailCodeIssuerOptions {
  store: Store;
  mailer: Mailer;
  keys: KeysInput | Keyring;
  issuer: string;
  now?: () => number;
  random?: RandomSource;
  template?: CodeMessageTemplate;
}

/**
 * Six-digit email codes (see {@link SentCodes}: uniform, stored only as an HMAC bound to purpose,
 * user and scope, with an expiry), sent through a pluggable {@link Mailer}. The fields are `code`,
 * `codeKid` and `codeExpiresAt` of the caller's record; the send budget is `{tag}:email-sends`.
 */
export class EmailCodeIssuer extends SentCodes {
  private readonly clock: () => number;
  private readonly template: CodeMessageTemplate;

  constructor(private readonly mail: EmailCodeIssuerOptions) {
    super({
      keys: mail.keys,
      context: 'email-code',
      fields: { code: 'code', kid: 'codeKid', expiresAt: 'codeExpiresAt' },
      budgetKey: storeKeys.emailSends,
      ...(mail.now ? { now: mail.now } : {}),
      ...(mail.random ? { random: mail.random } : {}),
    });
    this.clock = mail.now ?? Date.now;
    this.template = mail.template ?? defaultCodeMessage;
  }

  /**
   * Renders and sends the message.
   * @throws {FactorkitError} `MAIL_FAILED` when the mailer throws.
   */
  async deliver(input: { to: string; code: string; purpose: CodePurpose; expiresAt: number }): Promise<void> {
    const expiresInMinutes = Math.max(1, Math.round((input.expiresAt - this.clock()) / 60_000));
    const message = this.template({
      code: input.code,
      issuer: this.mail.issuer,
      purpose: input.purpose,
      expiresInMinutes,
      to: input.to,
    });
    try {
      await this.mail.mailer.send({ to: input.to, ...message });
    } catch (cause) {
      throw new FactorkitError('MAIL_FAILED', `could not send the ${input.purpose} code`, { cause });
    }
  }
}
