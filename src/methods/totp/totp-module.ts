import { storeKeys } from '../../store/keys.js';
import { requiredField } from '../../store/record-fields.js';
import type { MethodContext } from '../context.js';
import { defineMethod, type UserRecords } from '../method-module.js';
import { createTotpApi } from './totp-setup.js';

/** The AEAD context that binds a sealed TOTP secret to its user. */
export const totpSealContext = (userId: string) => `totp-secret\0${userId}`;

/** The user's replay floor: the last accepted TOTP step, if any. */
export function lastStep(user: UserRecords): number | undefined {
  const record = user['totpStep'];
  return record ? Number(requiredField(record.fields, 'step', 'totp-step')) : undefined;
}

/** The user's TOTP secret, decrypted (bound to the user by the AEAD context), or null when off. */
function secretOf(ctx: MethodContext, user: UserRecords, userId: string): string | null {
  const record = user['totp'];
  if (!record) return null;
  return ctx.keyring.open(requiredField(record.fields, 'secret', 'totp'), totpSealContext(userId));
}

/**
 * Authenticator apps (TOTP). Records: `totp` (the sealed secret; on while present), `totpStep` (the
 * replay floor, kept when the app is unlinked so an old code never comes back), `totp-pending`.
 */
export const totpModule = defineMethod({
  id: 'totp',
  role: 'factor',
  offered: true,
  records: { totp: storeKeys.totp, totpStep: storeKeys.totpStep },
  enabledRecord: 'totp',
  keys: (userId: string) => [storeKeys.totp(userId), storeKeys.totpPending(userId)],
  pendingKeys: (userId: string) => [storeKeys.totpPending(userId)],
  usable: (_ctx: MethodContext, user: UserRecords) => Boolean(user['totp']),
  matchCode(ctx: MethodContext, { userId, code, now, user }) {
    const secret = secretOf(ctx, user, userId);
    if (secret === null) return null;
    const afterStep = lastStep(user);
    const hit = ctx.totp.verifyCode(secret, code, now, afterStep === undefined ? undefined : { afterStep });
    if (hit.ok) {
      const key = storeKeys.totpStep(userId);
      return {
        kind: 'match',
        method: 'totp',
        ops: [{ type: 'advance', key, field: 'step', value: hit.step, expiresAt: null }],
      };
    }
    if (afterStep !== undefined && ctx.totp.verifyCode(secret, code, now).ok) return { kind: 'replayed' };
    return null;
  },
  status: (_ctx: MethodContext, user: UserRecords) => ({ totp: Boolean(user['totp']) }),
  api: { name: 'totp', create: createTotpApi },
});
