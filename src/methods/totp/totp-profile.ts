import { FactorkitError } from '../../core/errors.js';
import type { OtpAlgorithm } from '../../core/otp/hotp.js';
import { TotpVerifier } from '../../core/otp/totp-verifier.js';
import { userFields } from '../../store/layout.js';
import { type UserRecords, userField } from '../user-records.js';
import type { TotpContext } from './totp-setup.js';

/**
 * How one user's app computes its codes, when that is not the facade's way: an app linked by
 * another system (imported) may use SHA256, 8 digits, a 60-second period, a non-zero epoch (django-otp's
 * `t0`) or an 80-bit secret. Kept in `{tag}:user` as `totpParams` (`SHA256/8/60/0`); a user without
 * it uses the facade's `totp` options, as every app factorkit linked itself does.
 */
export interface TotpProfile {
  algorithm: OtpAlgorithm;
  digits: 6 | 7 | 8;
  periodSeconds: number;
  /** The instant step 0 starts, in seconds since the Unix epoch (RFC 6238's T0). */
  epochSeconds: number;
}

/** The stored form of a profile. */
export const profileText = (p: TotpProfile): string =>
  `${p.algorithm}/${p.digits}/${p.periodSeconds}/${p.epochSeconds}`;

const PROFILE = /^(SHA1|SHA256|SHA512)\/([678])\/(\d{1,4})\/(\d{1,12})$/;

/** Parses a stored profile. @throws `CORRUPT_RECORD` for text no import wrote. */
export function parseProfile(text: string): TotpProfile {
  const found = PROFILE.exec(text);
  const periodSeconds = Number(found?.[3]);
  if (!found || periodSeconds < 1 || periodSeconds > 3600)
    throw new FactorkitError('CORRUPT_RECORD', 'user record has a bad totpParams');
  return {
    algorithm: found[1] as OtpAlgorithm,
    digits: Number(found[2]) as 6 | 7 | 8,
    periodSeconds,
    epochSeconds: Number(found[4]),
  };
}

/** The facade's own profile: what an app linked by `totp.beginSetup` uses. */
export function facadeProfile(ctx: TotpContext): TotpProfile {
  const { algorithm, digits, periodSeconds } = ctx.totp;
  return { algorithm, digits, periodSeconds, epochSeconds: 0 };
}

/** Verifiers per facade verifier and profile: a login builds none (a handful of profiles exist). */
const verifiers = new WeakMap<TotpVerifier, Map<string, TotpVerifier>>();

/** The facade's own way, for every user without a profile: no allocation per login. */
const facadeWay = new WeakMap<TotpVerifier, { verifier: TotpVerifier; shiftMs: number }>();

/**
 * How to check this user's codes: a verifier, and how far its clock is behind the wall clock (the
 * profile's epoch, in ms: check at `max(0, now - shiftMs)`).
 */
export function userVerifier(
  ctx: TotpContext,
  user: UserRecords,
): { verifier: TotpVerifier; shiftMs: number } {
  const text = userField(user, userFields.totpParams);
  if (text === undefined) {
    let way = facadeWay.get(ctx.totp);
    if (!way) {
      way = { verifier: ctx.totp, shiftMs: 0 };
      facadeWay.set(ctx.totp, way);
    }
    return way;
  }
  const profile = parseProfile(text);
  let byProfile = verifiers.get(ctx.totp);
  if (!byProfile) {
    byProfile = new Map();
    verifiers.set(ctx.totp, byProfile);
  }
  let verifier = byProfile.get(text);
  if (!verifier) {
    verifier = new TotpVerifier({
      algorithm: profile.algorithm,
      digits: profile.digits,
      periodSeconds: profile.periodSeconds,
      windowSteps: { past: ctx.totp.pastSteps, future: ctx.totp.futureSteps },
      // Imported secrets were checked at import; apps in the field hold 80-bit ones.
      minSecretBytes: 10,
    });
    byProfile.set(text, verifier);
  }
  return { verifier, shiftMs: profile.epochSeconds * 1000 };
}
