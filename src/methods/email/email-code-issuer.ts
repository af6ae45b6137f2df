import { FactorkitError } from '../../core/errors.js';
import { Keyring, type KeysInput, safeEqual } from '../../core/keyring.js';
import { parseCode } from '../../core/otp/totp-verifier.js';
import { type RandomSource, randomBelow, secureRandom } from '../../core/random.js';
import type { Mailer } from '../../mail/mailer.js';
import { type CodeMessageTemplate, type CodePurpose, defaultCodeMessage } from '../../mail/templates.js';
import { storeKeys } from '../../store/keys.js';
import type { AttemptSchedule, Fields, Store, StoreOp } from '../../store/store.js';

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

/** Limits on sending: a cooldown between sends and a cap per hour. */
export interface SendLimits {
  cooldownMs: number;
  perHour: number;
}

/** What a code is bound to: its purpose, its user and, for logins, its challenge. */
export interface CodeBinding {
  purpose: CodePurpose;
  userId: string;
  scope: string;
}

const HOUR_MS = 3_600_000;

/**
 * Six-digit email codes: uniform from the CSPRNG, stored only as an HMAC bound to purpose, user and
 * scope, with an expiry; sent through a pluggable {@link Mailer}. The caller stores the fields from
 * {@link EmailCodeIssuer.codeFields} in its own record (a login challenge or a pending setup), so a
 * new code overwrites (voids) the earlier one in the same atomic step.
 */
export class EmailCodeIssuer {
  private readonly keyring: Keyring;
  private readonly now: () => number;
  private readonly random: RandomSource;
  private readonly template: CodeMessageTemplate;

  constructor(private readonly options: EmailCodeIssuerOptions) {
    this.keyring = options.keys instanceof Keyring ? options.keys : new Keyring(options.keys);
    this.now = options.now ?? Date.now;
    this.random = options.random ?? secureRandom;
    this.template = options.template ?? defaultCodeMessage;
  }

  /** A new six-digit code, uniform over 000000-999999. */
  generateCode(): string {
    return randomBelow(this.random, 1_000_000).toString().padStart(6, '0');
  }

  /** The record fields that hold a code: its keyed hash, key id and expiry. */
  codeFields(code: string, binding: CodeBinding, expiresAt: number): Fields {
    return {
      code: this.keyring.hash(code, bindingContext(binding)) as string,
      codeKid: this.keyring.currentId,
      codeExpiresAt: String(expiresAt),
    };
  }

  /** Whether `input` is the unexpired code stored in `fields` for this binding (constant-time). */
  matches(fields: Fields, input: string, binding: CodeBinding): boolean {
    const stored = fields['code'];
    if (!stored || stored === 'void' || parseCode(input, 6) < 0) return false;
    if (this.now() >= Number(fields['codeExpiresAt'] ?? 0)) return false;
    const hash = this.keyring.hash(input.replace(/ /g, ''), bindingContext(binding), fields['codeKid']);
    return hash !== null && safeEqual(hash, stored);
  }

  /** The op that takes one send from the user's budget (cooldown, then the hourly cap). */
  sendLimitOp(userId: string, limits: SendLimits): StoreOp {
    const schedule: AttemptSchedule = {
      maxAttempts: limits.perHour,
      freeAttempts: 0,
      lockMs: [limits.cooldownMs],
      ttlMs: HOUR_MS,
      slide: false,
      afterLockMs: 0,
    };
    return { type: 'attempt', key: storeKeys.emailSends(userId), schedule, mustExist: false };
  }

  /** The op that voids a stored code if it is still the one in `fields` (after a failed send). */
  voidOp(key: string, fields: Fields): StoreOp {
    return { type: 'merge', key, fields: { code: 'void' }, match: { code: fields['code'] ?? '' } };
  }

  /**
   * Renders and sends the message.
   * @throws {FactorkitError} `MAIL_FAILED` when the mailer throws.
   */
  async deliver(input: { to: string; code: string; purpose: CodePurpose; expiresAt: number }): Promise<void> {
    const expiresInMinutes = Math.max(1, Math.round((input.expiresAt - this.now()) / 60_000));
    const message = this.template({
      code: input.code,
      issuer: this.options.issuer,
      purpose: input.purpose,
      expiresInMinutes,
      to: input.to,
    });
    try {
      await this.options.mailer.send({ to: input.to, ...message });
    } catch (cause) {
      throw new FactorkitError('MAIL_FAILED', `could not send the ${input.purpose} code`, { cause });
    }
  }
}

function bindingContext(binding: CodeBinding): string {
  return `email-code\0${binding.purpose}\0${binding.userId}\0${binding.scope}`;
}
