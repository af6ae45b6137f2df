import { lastingSealedField, sealedKeyIds } from '../../store/key-use.js';
import { storeKeys } from '../../store/keys.js';
import { userFields } from '../../store/layout.js';
import { wholeNumberField } from '../../store/record-fields.js';
import type { MethodContext } from '../context.js';
import { defineMethod, type UserRecords, userField } from '../method-module.js';
import { openSealed } from '../open-sealed.js';
import { userVerifier } from './totp-profile.js';
import { createTotpApi } from './totp-setup.js';

/** The AEAD context that binds a sealed TOTP secret to its user. */
export const totpSealContext = (userId: string) => `totp-secret\0${userId}`;

/** The user's replay floor: the last accepted TOTP step, if any. */
export function lastStep(user: UserRecords): number | undefined {
  const step = userField(user, userFields.totpStep);
  return step === undefined ? undefined : wholeNumberField(step, userFields.totpStep, 'user');
}

/**
 * Authenticator apps (TOTP). In `{tag}:user`: `totp` (the sealed secret; on while present),
 * `totpAt`, `totpStep` (the replay floor, kept when the app is unlinked so an old code never
 * comes back) and, for an app linked by another system, `totpParams` (`totp-profile.ts`: the units
 * of that floor, so it stays with it; linking a new app replaces both). A setup in progress:
 * `{tag}:totp-pending`.
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
  usable: (_ctx: MethodContext, user: UserRecords) => userField(user, userFields.totp) !== undefined,
  matchCode(ctx: MethodContext, { userId, code, now, user }) {
    const sealed = userField(user, userFields.totp);
    if (sealed === undefined) return null;
    // Unreadable (its key removed): no code of it matches, and the other methods are still tried.
    const secret = openSealed(ctx, { sealed, context: totpSealContext(userId), userId, method: 'totp' });
    if (secret === null) return null;
    const afterStep = lastStep(user);
    const { verifier, at } = userVerifier(ctx, user);
    const hit = verifier.verifyCode(
      secret,
      code,
      at(now),
      afterStep === undefined ? undefined : { afterStep },
    );
    if (hit.ok) {
      // Single use: the floor advances in the same step that ends the challenge.
      const advance = { field: userFields.totpStep, value: hit.step };
      return {
        kind: 'match',
        method: 'totp',
        ops: [{ type: 'merge', key: storeKeys.user(userId), fields: {}, advance }],
        // The floor moved under it: the same step was used at the same time.
        raceLostEvent: 'code.replayed',
      };
    }
    if (afterStep !== undefined && verifier.verifyCode(secret, code, at(now)).ok) return { kind: 'replayed' };
    return null;
  },
  status: (_ctx: MethodContext, user: UserRecords) => ({
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
  api: { name: 'totp', create: createTotpApi },
});
