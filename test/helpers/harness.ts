import { createHash } from 'node:crypto';
import { createTwoFactor, type TwoFactorOptions } from '../../src/app/create-two-factor.js';
import type { TwoFactorEvent } from '../../src/core/events.js';
import { TotpVerifier } from '../../src/core/otp/totp-verifier.js';
import { MemoryMailer } from '../../src/mail/memory-mailer.js';
import { simpleWebauthn } from '../../src/methods/webauthn/simple-webauthn.js';
import type { Store } from '../../src/store/store.js';

/** A fixed application key for a test, random-looking (the keyring refuses patterns), one per label. */
export const testKey = (label: string): string =>
  createHash('sha256').update(`factorkit test key ${label}`).digest('hex');

export const KEY = testKey('a');
export const MINUTE = 60_000;
export const DAY = 86_400_000;

/** A fake clock that tests move by hand. */
export function fakeClock(start = Date.UTC(2026, 10, 28, 9, 0, 0)) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
    set: (at: number) => {
      now = at;
    },
  };
}

/**
 * A facade over `store` with a fake clock, a memory mailer, an event log, admins who may act and
 * security keys on (an override's `webauthn` settings keep the library unless they set their own).
 */
export function makeTwoFactor(store: Store, overrides: Partial<TwoFactorOptions> = {}) {
  const clock = fakeClock();
  const mailer = new MemoryMailer();
  const events: TwoFactorEvent[] = [];
  const tf = createTwoFactor({
    issuer: 'CloudFon CX',
    store,
    mailer,
    keys: KEY,
    now: clock.now,
    policyCacheMs: 0,
    authorize: (actor) => actor.roles?.includes('admin') === true,
    onEvent: (event) => {
      events.push(event);
    },
    ...overrides,
    webauthn: { library: simpleWebauthn, ...overrides.webauthn },
  });
  const totp = new TotpVerifier();
  /** The six-digit code in the newest email to `to`. */
  // The last message to `to` that carries a code: a security notice (e.g. "a method was added") is
  // sent in the background and may land after the code it followed.
  const lastEmailCode = (to: string) => {
    for (let i = mailer.sent.length - 1; i >= 0; i--) {
      const code = mailer.sent[i]!.to === to ? /\b(\d{6})\b/.exec(mailer.sent[i]!.text)?.[1] : undefined;
      if (code) return code;
    }
    return '';
  };
  return { tf, clock, mailer, events, totp, lastEmailCode };
}

export type Harness = ReturnType<typeof makeTwoFactor>;

/** Enrolls `userId` in TOTP and returns the secret and backup codes. */
export async function enrollTotp(h: Harness, userId: string) {
  const setup = await h.tf.totp.beginSetup(userId, { accountName: `${userId}@example.com` });
  const result = await h.tf.totp.confirmSetup(userId, h.totp.generateCode(setup.secret, h.clock.now()));
  if (!result.ok) throw new Error(`enroll failed: ${JSON.stringify(result)}`);
  // Move to the next step so the next code is not a replay of the confirmation.
  h.clock.advance(30_000);
  return { secret: setup.secret, backupCodes: result.backupCodes ?? [] };
}

/** Enrolls `userId` in email codes. */
export async function enrollEmail(h: Harness, userId: string, address = `${userId}@example.com`) {
  await h.tf.email.beginSetup(userId, address);
  const result = await h.tf.email.confirmSetup(userId, h.lastEmailCode(address));
  if (!result.ok) throw new Error(`email enroll failed: ${JSON.stringify(result)}`);
  h.clock.advance(61_000);
  return { backupCodes: result.backupCodes ?? [] };
}

/** Starts a login and returns the challenge id (throws when no challenge). */
export async function startChallenge(
  h: Harness,
  userId: string,
  options?: { deviceToken?: string; stepUp?: boolean },
) {
  const start = await h.tf.login.start(userId, options);
  if (start.status !== 'challenge') throw new Error(`expected a challenge, got ${start.status}`);
  return start;
}
