import { z } from 'zod';
import { parseInput, userIdSchema } from '../core/validation.js';
import type { TrustedDevice } from '../services/trusted-device-store.js';
import type { Context } from './context.js';

/** Trusted browsers. */
export interface DevicesApi {
  list(userId: string): Promise<TrustedDevice[]>;
  /** Forgets one browser; false when it was not there. */
  revoke(userId: string, deviceId: string): Promise<boolean>;
  /** Forgets every browser and ends every session of the user ("sign out everywhere"). */
  revokeAll(userId: string): Promise<void>;
}

/** A device id as `login.verify` gives it: base64url (a NUL or a lone surrogate broke PostgreSQL). */
const deviceIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be base64url');

export function createDevicesApi(ctx: Context): DevicesApi {
  return {
    async list(userIdInput) {
      return ctx.devices.list(parseInput(userIdSchema, userIdInput, 'userId'));
    },
    async revoke(userIdInput, deviceIdInput) {
      const userId = parseInput(userIdSchema, userIdInput, 'userId');
      const deviceId = parseInput(deviceIdSchema, deviceIdInput, 'deviceId');
      const result = await ctx.store.commit([ctx.devices.revokeOp(userId, deviceId)], ctx.now());
      if (result.ok) await ctx.emit({ type: 'device.revoked', userId, detail: { deviceId } });
      return result.ok;
    },
    async revokeAll(userIdInput) {
      const userId = parseInput(userIdSchema, userIdInput, 'userId');
      const policy = await ctx.policy({ userId });
      // Every browser is forgotten, and every session signed in on one ends (the caller renews its own).
      await ctx.store.commit(
        [ctx.devices.revokeAllOp(userId), ctx.sessions.endAllOp(userId, policy.sessionMaxAgeMs)],
        ctx.now(),
      );
      await ctx.emit({ type: 'devices.revoked', userId });
    },
  };
}
