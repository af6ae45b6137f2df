import { z } from 'zod';
import { ConfigError, InvalidInputError } from '../errors.js';
import { type RandomSource, secureRandom } from '../random.js';
import { parseOptions } from '../validation.js';
import { fromBase32, toBase32 } from './base32.js';
import { formatCode, HotpKey, type OtpAlgorithm } from './hotp.js';

/** RFC 4226's floor for new secrets: 128 bits. */
const MIN_SECRET_BYTES = 16;
/** The shortest secret apps in the field hold: 80 bits (Google Authenticator's old default). */
const MIN_LEGACY_SECRET_BYTES = 10;

const windowSchema = z.union([
  z.number().int().min(0).max(10),
  z.object({ past: z.number().int().min(0).max(10), future: z.number().int().min(0).max(10) }).strict(),
]);

const optionsSchema = z
  .object({
    algorithm: z.enum(['SHA1', 'SHA256', 'SHA512']).default('SHA1'),
    digits: z.union([z.literal(6), z.literal(7), z.literal(8)]).default(6),
    periodSeconds: z.number().int().min(1).max(3600).default(30),
    minSecretBytes: z.number().int().min(MIN_LEGACY_SECRET_BYTES).max(128).default(MIN_SECRET_BYTES),
    windowSteps: windowSchema.default(1),
    random: z
      .custom<RandomSource>((value) => typeof value === 'function', { message: 'must be a function' })
      .optional(),
  })
  .strict();

/** Options of {@link TotpVerifier}; every field has the authenticator-app default. */
export interface TotpOptions {
  /** Default `SHA1`, the one every authenticator app reads. */
  algorithm?: OtpAlgorithm;
  /** Default 6. */
  digits?: 6 | 7 | 8;
  /** Default 30. */
  periodSeconds?: number;
  /**
   * The shortest secret `verifyCode` and `generateCode` accept, in bytes. Default 16 (128 bits, RFC
   * 4226's floor); down to 10 (80 bits) for secrets imported from apps that issued shorter ones.
   * `generateSecret` never makes one under 16.
   */
  minSecretBytes?: number;
  /** Steps accepted either side of now: a number (symmetric) or `{ past, future }`. Default 1. */
  windowSteps?: number | { past: number; future: number };
  /** Random bytes for `generateSecret`. Default node:crypto. */
  random?: RandomSource;
}

/** Result of {@link TotpVerifier.verifyCode}: the matched time step on success. */
export type TotpVerifyResult = { ok: true; step: number } | { ok: false };

/**
 * Pure TOTP (RFC 6238) and HOTP (RFC 4226): secrets, codes, verification with a window and replay
 * floor, and the `otpauth://` key URI. Holds no state; time is always passed in.
 *
 * @example
 * const totp = new TotpVerifier();
 * const secret = totp.generateSecret();
 * totp.verifyCode(secret, '123456', Date.now()); // { ok: false }
 */
export class TotpVerifier {
  readonly algorithm: OtpAlgorithm;
  readonly digits: 6 | 7 | 8;
  readonly periodSeconds: number;
  readonly pastSteps: number;
  readonly futureSteps: number;
  readonly minSecretBytes: number;
  private readonly random: RandomSource;

  /** @throws {FactorkitError} `CONFIG` naming the bad option. */
  constructor(options: TotpOptions = {}) {
    const parsed = parseOptions(optionsSchema, options, 'totp');
    this.algorithm = parsed.algorithm;
    this.digits = parsed.digits;
    this.periodSeconds = parsed.periodSeconds;
    const window = parsed.windowSteps;
    this.pastSteps = typeof window === 'number' ? window : window.past;
    this.futureSteps = typeof window === 'number' ? window : window.future;
    this.minSecretBytes = parsed.minSecretBytes;
    this.random = parsed.random ?? secureRandom;
  }

  /** A new secret: `bytes` (default 20 = 160 bits, minimum 16) from the CSPRNG, base32 without padding. */
  generateSecret(bytes = 20): string {
    if (!Number.isInteger(bytes) || bytes < MIN_SECRET_BYTES || bytes > 128) {
      throw new ConfigError('bytes', `must be an integer from ${MIN_SECRET_BYTES} to 128`);
    }
    return toBase32(this.random(bytes));
  }

  /** The time step (counter) for an instant in milliseconds. @throws `INVALID_INPUT` for a time that is not a finite number >= 0. */
  stepAt(atMs: number): number {
    if (typeof atMs !== 'number' || !Number.isFinite(atMs) || atMs < 0) {
      throw new InvalidInputError('atMs', 'must be a finite number of milliseconds since the epoch');
    }
    return Math.floor(atMs / 1000 / this.periodSeconds);
  }

  /** The code shown by an authenticator app at `atMs`. @throws `INVALID_INPUT` for a bad secret. */
  generateCode(secret: string, atMs: number): string {
    return this.generateHotp(secret, this.stepAt(atMs));
  }

  /** The HOTP code for a counter value (RFC 4226). @throws `INVALID_INPUT` for a bad secret. */
  generateHotp(secret: string, counter: number): string {
    if (!Number.isSafeInteger(counter) || counter < 0)
      throw new InvalidInputError('counter', 'must be a safe integer >= 0');
    const key = new HotpKey(this.algorithm, decodeSecret(secret, this.minSecretBytes), this.digits);
    return formatCode(key.valueAt(counter), this.digits);
  }

  /**
   * Checks a code against the steps of the window around `atMs`, latest first, each compared in
   * constant time. Spaces are ignored; anything else that is not exactly `digits` ASCII digits is
   * `{ ok: false }` without computing an HMAC. Steps `<= afterStep` never match (replay floor).
   * A wrong code costs every step of the window; a right one stops at its step.
   *
   * @returns the latest matching step, or `{ ok: false }`.
   * @throws {FactorkitError} `INVALID_INPUT` when the secret is not base32 of at least 128 bits.
   */
  verifyCode(secret: string, code: string, atMs: number, options?: { afterStep?: number }): TotpVerifyResult {
    const check = checkTotpCode(this, secret, code, atMs, options?.afterStep);
    return check.ok ? check : NO_MATCH;
  }

  /**
   * Google's Key Uri Format: `otpauth://totp/Issuer:account?secret=...&issuer=...`, with
   * `algorithm`, `digits` and `period` only when not the defaults. Every part is percent-encoded.
   */
  keyUri(input: { secret: string; issuer: string; accountName: string }): string {
    const secret = normalizeSecret(input.secret);
    for (const field of ['issuer', 'accountName'] as const) {
      const value = input[field];
      if (typeof value !== 'string' || value.length === 0 || value.length > 256) {
        throw new InvalidInputError(field, 'must be a non-empty string of at most 256 characters');
      }
    }
    const label = `${encodeURIComponent(input.issuer)}:${encodeURIComponent(input.accountName)}`;
    let query = `secret=${secret}&issuer=${encodeURIComponent(input.issuer)}`;
    if (this.algorithm !== 'SHA1') query += `&algorithm=${this.algorithm}`;
    if (this.digits !== 6) query += `&digits=${this.digits}`;
    if (this.periodSeconds !== 30) query += `&period=${this.periodSeconds}`;
    return `otpauth://totp/${label}?${query}`;
  }
}

/** What {@link checkTotpCode} finds: a step above the floor, or none (and whether one at or below it matched). */
export type TotpCheck = { ok: true; step: number } | { ok: false; replayed: boolean };

// Shared answers, frozen: a caller can keep one but not change it for the next.
const MISS = Object.freeze({ ok: false, replayed: false } as const);
const NO_MATCH = Object.freeze({ ok: false } as const);
const REPLAYED = Object.freeze({ ok: false, replayed: true } as const);

/**
 * {@link TotpVerifier.verifyCode} that also tells a code used before (it matches a step at or below
 * `afterStep`) from a wrong one, in the same pass: a login reports a replay without a second window.
 * The steps are tried latest first and a match above the floor ends the loop (the latest match, as
 * before): only a right code stops early, and its answer says as much as its timing. A replayed code
 * goes through the whole window as a wrong one does, since both are answered as a wrong code.
 */
export function checkTotpCode(
  verifier: TotpVerifier,
  secret: string,
  code: string,
  atMs: number,
  afterStep?: number,
): TotpCheck {
  const candidate = parseCode(code, verifier.digits);
  if (candidate < 0) return MISS;
  const current = verifier.stepAt(atMs);
  const floor = afterStep ?? Number.NEGATIVE_INFINITY;
  const bytes = decodeSecret(secret, verifier.minSecretBytes);
  const key = new HotpKey(verifier.algorithm, bytes, verifier.digits);
  const lowest = Math.max(0, current - verifier.pastSteps);
  let replayed = false;
  for (let step = current + verifier.futureSteps; step >= lowest; step--) {
    const hit = (key.valueAt(step) ^ candidate) === 0;
    if (hit && step > floor) return { ok: true, step };
    replayed = replayed || hit;
  }
  return replayed ? REPLAYED : MISS;
}

/** Validates and canonicalises a typed secret (upper case, no spaces or padding). */
function normalizeSecret(secret: string): string {
  decodeSecret(secret, MIN_SECRET_BYTES);
  return secret.replace(/[\s=]/g, '').toUpperCase();
}

function decodeSecret(secret: string, minBytes: number): Uint8Array {
  if (typeof secret !== 'string' || secret.length > 1024) {
    throw new InvalidInputError('secret', 'must be a base32 string');
  }
  const bytes = fromBase32(secret);
  if (bytes === null) throw new InvalidInputError('secret', 'is not base32 (A-Z, 2-7)');
  if (bytes.length < minBytes) {
    throw new InvalidInputError(
      'secret',
      `must carry at least ${minBytes * 8} bits (got ${bytes.length * 8})`,
    );
  }
  return bytes;
}

/** Parses a typed code: spaces dropped, then exactly `digits` ASCII digits; -1 otherwise. */
export function parseCode(code: unknown, digits: number): number {
  if (typeof code !== 'string' || code.length > 64) return -1;
  const compact = code.length === digits ? code : code.replace(/ /g, '');
  if (compact.length !== digits) return -1;
  let value = 0;
  for (let i = 0; i < digits; i++) {
    const c = compact.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    value = value * 10 + c;
  }
  return value;
}
