import { z } from 'zod';
import type { TotpVerifier } from '../../core/otp/totp-verifier.js';
import { parseInput, storableText, userIdSchema } from '../../core/validation.js';
import { storeKeys } from '../../store/keys.js';
import { userFields } from '../../store/layout.js';
import { requiredField } from '../../store/record-fields.js';
import type { MethodContext } from '../context.js';
import { enableInSession, refusedSetup, type SetupResult } from '../enable.js';
import { openSealed } from '../open-sealed.js';
import { type CodeSetupInSession, type SessionSetupResult, takeSetupAttempt } from '../setup-attempt.js';
import type { SetupSession } from '../setup-session.js';
import { setupVerdict } from '../setup-verdict.js';
import { userField } from '../user-records.js';
import { lastStep, totpSealContext } from './totp-secret.js';

/** The TOTP method's context: the shared one and its verifier (option `totp`). */
export type TotpContext = MethodContext & { totp: TotpVerifier };

/** Goes into the otpauth URI (a lone surrogate cannot be encoded) and the user's app: storable text. */
const accountNameSchema = z.object({ accountName: storableText().min(1).max(256) });

/** The authenticator-app part of the facade. */
export interface TotpApi {
  /**
   * Starts linking an app: a new secret, its otpauth URI and QR code (an SVG drawn when `qrSvg` is
   * first read); pending until confirmed.
   */
  beginSetup(
    userId: string,
    options: { accountName: string },
  ): Promise<{ secret: string; uri: string; qrSvg: string; expiresAt: number }>;
  /** Confirms the pending secret with a first code; enables the method. */
  confirmSetup(userId: string, code: string): Promise<SetupResult>;
}

/**
 * Adds `qrSvg`, drawn on first read (a QR code costs milliseconds of CPU; a host that draws its own
 * from `uri` never pays it). Enumerable, so spreads and JSON carry it. The QR module (and
 * `qrcode-generator`) is imported by the first setup, not when the library loads: only setup draws.
 */
async function withLazyQr<T extends { uri: string }>(result: T): Promise<T & { qrSvg: string }> {
  const { qrSvg } = await import('../../core/qr.js');
  let svg: string | undefined;
  return Object.defineProperty(result, 'qrSvg', {
    enumerable: true,
    get: () => {
      svg ??= qrSvg(result.uri);
      return svg;
    },
  }) as T & { qrSvg: string };
}

export function createTotpApi(ctx: TotpContext): TotpApi {
  return {
    async beginSetup(userIdInput, options) {
      const userId = parseInput(userIdSchema, userIdInput, 'userId');
      const { accountName } = parseInput(accountNameSchema, options, 'options');
      const policy = await ctx.policy({ userId });
      const secret = ctx.totp.generateSecret();
      const now = ctx.now();
      const expiresAt = now + policy.setupTtlMs;
      const sealed = ctx.keyring.seal(secret, totpSealContext(userId));
      await ctx.store.commit(
        [
          {
            type: 'put',
            key: storeKeys.totpPending(userId),
            fields: { secret: sealed, deadline: String(expiresAt), attempts: '0', lockedUntil: '0' },
            expiresAt: expiresAt + policy.attempts.lockMs * 2,
          },
        ],
        now,
      );
      await ctx.emit({ type: 'totp.setup-started', userId });
      const uri = ctx.totp.keyUri({ secret, issuer: ctx.issuer, accountName });
      return withLazyQr({ secret, uri, expiresAt });
    },

    confirmSetup: (userId, code) => confirmTotpSetup(ctx, userId, code, null) as Promise<SetupResult>,
  };
}

/** `totp.confirmSetup` bound to the session it comes from (the HTTP layer's), as `api.inSession` gives it. */
export function createTotpInSession(ctx: TotpContext): CodeSetupInSession {
  return { confirmSetup: (userId, code, session) => confirmTotpSetup(ctx, userId, code, session) };
}

/** Confirms the pending secret with a first code, bound to `session` when it comes from one. */
async function confirmTotpSetup(
  ctx: TotpContext,
  userIdInput: string,
  code: string,
  session: SetupSession | null,
): Promise<SessionSetupResult> {
  const userId = parseInput(userIdSchema, userIdInput, 'userId');
  parseInput(z.string().max(256), code, 'code');
  const pendingKey = storeKeys.totpPending(userId);
  // One round trip: take the attempt and read the user's records (and the session's) in the same step.
  const taken = await takeSetupAttempt(ctx, userId, pendingKey, session);
  if (!taken.ok) return taken.result;
  const { verdict, user } = taken;
  const now = ctx.now();
  const sealed = requiredField(verdict.fields, 'secret', 'totp-pending');
  const context = totpSealContext(userId);
  // Sealed under a key removed since the setup began: the setup must start again.
  const secret = openSealed(ctx, { sealed, context, userId, method: 'totp' });
  if (secret === null) return { ok: false, reason: 'no-pending-setup' };
  // An imported app's floor counted steps of its own period: it says nothing of the new app.
  const imported = userField(user, userFields.totpParams) !== undefined;
  const afterStep = imported ? undefined : lastStep(user);
  const match = ctx.totp.verifyCode(secret, code, now, afterStep === undefined ? undefined : { afterStep });
  if (!match.ok) return setupVerdict(verdict, now);
  // Written anyway: under the current key, should the setup have begun under an older one.
  const fields = {
    [userFields.totp]: ctx.keyring.reseal(sealed, context) ?? sealed,
    [userFields.totpAt]: String(now),
  };
  const enabled = await enableInSession(
    ctx,
    userId,
    'totp',
    user,
    {
      take: { type: 'take', key: pendingKey, match: { secret: sealed } },
      ...(imported
        ? {
            fields: { ...fields, [userFields.totpStep]: String(match.step) },
            unset: [userFields.totpParams],
          }
        : { fields, advance: { field: userFields.totpStep, value: match.step } }),
    },
    taken.bound,
  );
  if (!enabled.ok) return refusedSetup(enabled, verdict.attemptsLeft);
  await ctx.emit({ type: 'totp.enabled', userId });
  return enabled;
}
