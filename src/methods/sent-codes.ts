import { Keyring, type KeysInput, safeEqual } from '../core/keyring.js';
import { parseCode } from '../core/otp/totp-verifier.js';
import { type RandomSource, randomBelow, secureRandom } from '../core/random.js';
import type { AttemptSchedule, Fields, StoreOp } from '../store/store.js';

/** Limits on sending: a cooldown between sends and a cap per hour. */
export interface SendLimits {
  cooldownMs: number;
  perHour: number;
}

/** Why a code is being sent. */
export type SendPurpose = 'setup' | 'login' | 'step-up';

/** What a code is bound to: its purpose, its user and, for logins, its challenge. */
export interface CodeBinding {
  purpose: SendPurpose;
  userId: string;
  scope: string;
}

/** Where a channel keeps its codes: the names of its fields in the record holding one. */
export interface CodeFieldNames {
  code: string;
  kid: string;
  expiresAt: string;
}

/** Options of {@link SentCodes}. */
export interface SentCodesOptions {
  keys: KeysInput | Keyring;
  /** What the codes' keyed hashes are bound to first (`email-code`): one channel's code is never another's. */
  context: string;
  fields: CodeFieldNames;
  /** The record of a user's send budget (`{tag}:email-sends`). */
  budgetKey: (userId: string) => string;
  now?: () => number;
  random?: RandomSource;
}

const HOUR_MS = 3_600_000;

/**
 * Six-digit codes sent out of band (an email, a text message, a call): uniform from the CSPRNG,
 * stored only as an HMAC bound to the channel, purpose, user and scope, with an expiry. The caller
 * keeps the fields from {@link SentCodes.codeFields} in its own record (a login challenge or a
 * pending setup), so a new code overwrites (voids) the earlier one in the same atomic step. Each
 * channel names its own fields, so two channels' codes can share a challenge.
 */
export class SentCodes {
  private readonly keyring: Keyring;
  private readonly now: () => number;
  private readonly random: RandomSource;

  /** The names of the fields that hold a code. */
  readonly fieldNames: CodeFieldNames;

  constructor(private readonly options: SentCodesOptions) {
    this.fieldNames = options.fields;
    this.keyring = options.keys instanceof Keyring ? options.keys : new Keyring(options.keys);
    this.now = options.now ?? Date.now;
    this.random = options.random ?? secureRandom;
  }

  /** A new six-digit code, uniform over 000000-999999. */
  generateCode(): string {
    return randomBelow(this.random, 1_000_000).toString().padStart(6, '0');
  }

  /** The record fields that hold a code: its keyed hash, key id and expiry. */
  codeFields(code: string, binding: CodeBinding, expiresAt: number): Fields {
    const names = this.options.fields;
    return {
      [names.code]: this.keyring.hash(code, this.bindingContext(binding)) as string,
      [names.kid]: this.keyring.currentId,
      [names.expiresAt]: String(expiresAt),
    };
  }

  /** Whether `input` is the unexpired code stored in `fields` for this binding (constant-time). */
  matches(fields: Fields, input: string, binding: CodeBinding): boolean {
    const names = this.options.fields;
    const stored = fields[names.code];
    if (!stored || stored === 'void' || parseCode(input, 6) < 0) return false;
    if (this.now() >= Number(fields[names.expiresAt] ?? 0)) return false;
    const hash = this.keyring.hash(input.replace(/ /g, ''), this.bindingContext(binding), fields[names.kid]);
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
    return { type: 'attempt', key: this.options.budgetKey(userId), schedule, mustExist: false };
  }

  /** The op that voids a stored code if it is still the one in `fields` (after a failed send). */
  voidOp(key: string, fields: Fields): StoreOp {
    const name = this.options.fields.code;
    return { type: 'merge', key, fields: { [name]: 'void' }, match: { [name]: fields[name] ?? '' } };
  }

  private bindingContext(binding: CodeBinding): string {
    return `${this.options.context}\0${binding.purpose}\0${binding.userId}\0${binding.scope}`;
  }
}
