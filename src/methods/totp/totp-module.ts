import { z } from 'zod';
import { checkTotpCode, type TotpOptions, TotpVerifier } from '../../core/otp/totp-verifier.js';
import { lastingSealedField, sealedKeyIds } from '../../store/key-use.js';
import { storeKeys } from '../../store/keys.js';
import { userFields } from '../../store/layout.js';
import type { MethodContext } from '../context.js';
import { defineMethod } from '../method-module.js';
import { openSealed } from '../open-sealed.js';
import type { CodeAttempt } from '../proof.js';
import { type UserRecords, userField } from '../user-records.js';
import { userVerifier } from './totp-profile.js';
import { totpRoutes, totpStatusBody } from './totp-routes.js';
import { lastStep, totpSealContext } from './totp-secret.js';
import { createTotpApi, createTotpInSession, type TotpContext } from './totp-setup.js';

/**
 * Authenticator apps (TOTP). In `{tag}:user`: `totp` (the sealed secret; on while present),
 * `totpAt`, `totpStep` (the replay floor, kept when the app is unlinked so an old code never
 * comes back) and, for an app linked by another system, `totpParams` (`totp-profile.ts`: the units
 * of that floor, so it stays with it; linking a new app replaces both). A setup in progress:
 * `{tag}:totp-pending`. Option `totp`: the code parameters.
 */
export const totpModule = defineMethod({
  id: 'totp',
  role: 'factor',
  offered: true,
  userFields: [userFields.totp, userFields.totpAt],
  enabledField: userFields.totp,
  records: {},
  keys: (userId: string) => [storeKeys.totpPending(userId)],
  pendingKeys: (userId: string) => [storeKeys.totpPending(userId)],
  options: {
    /** TOTP parameters (defaults: SHA1, 6 digits, 30 s, window 1), checked by `TotpVerifier`. */
    totp: z
      .custom<TotpOptions>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), {
        message: 'must be an object ({ algorithm, digits, periodSeconds, windowSteps })',
      })
      .optional(),
  },
  services: (ctx: MethodContext, options: { totp?: TotpOptions | undefined }) => ({
    totp: new TotpVerifier({ ...options.totp, random: ctx.random }),
  }),
  usable: (_ctx: MethodContext, user: UserRecords) => userField(user, userFields.totp) !== undefined,
  matchCode(ctx: TotpContext, { userId, code, now, user }: CodeAttempt) {
    const sealed = userField(user, userFields.totp);
    if (sealed === undefined) return null;
    // Unreadable (its key removed): no code of it matches, and the other methods are still tried.
    const secret = openSealed(ctx, { sealed, context: totpSealContext(userId), userId, method: 'totp' });
    if (secret === null) return null;
    const afterStep = lastStep(user);
    // An app linked by another system may count its codes differently (totp-profile.ts).
    const { verifier, shiftMs } = userVerifier(ctx, user);
    // One pass tells a right code, a code used before (at or below the floor) and a wrong one.
    const check = checkTotpCode(verifier, secret, code, Math.max(0, now - shiftMs), afterStep);
    if (check.ok) {
      // Single use: the floor advances in the same step that ends the challenge.
      const advance = { field: userFields.totpStep, value: check.step };
      return {
        kind: 'match',
        method: 'totp',
        ops: [{ type: 'merge', key: storeKeys.user(userId), fields: {}, advance }],
        // The floor moved under it: the same step was used at the same time.
        raceLostEvent: 'code.replayed',
      } as const;
    }
    return check.replayed ? ({ kind: 'replayed' } as const) : null;
  },
  status: (_ctx: MethodContext, user: UserRecords) => ({
    /** The authenticator app is linked. */
    totp: userField(user, userFields.totp) !== undefined,
  }),
  // The linked secret is sealed again on rekey. A pending one is left to lapse with its setup (15
  // minutes): sealing it again would make a confirm in flight, which takes it only as read, fail.
  keyUses: [
    lastingSealedField('totp', 'user', userFields.totp, totpSealContext),
    {
      kind: 'totp-setup',
      life: 'lapses',
      records: ['totp-pending'],
      keyIds: (fields) => sealedKeyIds(fields, 'secret'),
    },
  ],
  api: { name: 'totp', create: createTotpApi, inSession: createTotpInSession },
  events: ['totp.setup-started', 'totp.enabled', 'totp.disabled'],
  notices: { name: 'an authenticator app', added: ['totp.enabled'], removed: ['totp.disabled'] },
  http: { routes: totpRoutes, status: totpStatusBody },
});
