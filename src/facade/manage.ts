import { z } from 'zod';
import type { BackupCodeView } from '../backup-code-vault.js';
import { FactorkitError } from '../errors.js';
import type { Actor } from '../events.js';
import type { StoreOp } from '../store.js';
import { storeKeys } from '../store-keys.js';
import type { TrustedDevice } from '../trusted-device-store.js';
import { parseInput } from '../validation.js';
import type { AdminAction, Context } from './context.js';
import { userIdSchema } from './totp-method.js';
import { loadUser, maskEmail } from './user-state.js';

/** What `status` reports. */
export interface TwoFactorStatus {
  enabled: boolean;
  totp: boolean;
  /** The enabled address, masked (`a***@example.com`), or null. */
  email: string | null;
  backupCodesRemaining: number;
}

/** Backup codes: "View Backup Codes", "Download", "Generate new codes". */
export interface BackupCodesApi {
  /** Ten new codes; every older code is void in the same atomic step. `revokeDevices` also ends trusted browsers. */
  regenerate(userId: string, options?: { revokeDevices?: boolean }): Promise<string[]>;
  view(userId: string): Promise<BackupCodeView>;
  /** The downloadable file. */
  toText(codes: string[], options: { accountName: string }): string;
}

/** Admin actions; each is checked with `authorize` (default: deny). */
export interface AdminApi {
  /** A one-time code for an agent: 30 minutes, single use, newest wins, login step only. */
  issueBackupCode(actor: Actor, userId: string): Promise<{ code: string; expiresAt: number }>;
  /** Turns every method off and voids backup codes, admin codes and trusted browsers, atomically. */
  reset(actor: Actor, userId: string): Promise<void>;
}

/** Trusted browsers. */
export interface DevicesApi {
  list(userId: string): Promise<TrustedDevice[]>;
  /** Forgets one browser; false when it was not there. */
  revoke(userId: string, deviceId: string): Promise<boolean>;
  revokeAll(userId: string): Promise<void>;
}

const actorSchema = z.object({
  id: z.string().min(1).max(256),
  roles: z.array(z.string().max(100)).max(100).optional(),
});
const methodSchema = z.enum(['totp', 'email']);

export function createStatus(ctx: Context) {
  return async (userIdInput: string): Promise<TwoFactorStatus> => {
    const userId = parseInput(userIdSchema, userIdInput, 'userId');
    const user = await loadUser(ctx, userId);
    const address = user.email?.fields['address'];
    return {
      enabled: Boolean(user.totp || user.email),
      totp: Boolean(user.totp),
      email: address ? maskEmail(address) : null,
      backupCodesRemaining:
        user.totp || user.email ? ctx.vault.remaining(user.backupCodes?.fields ?? null) : 0,
    };
  };
}

export function createDisable(ctx: Context) {
  return async (userIdInput: string, methodInput: 'totp' | 'email'): Promise<void> => {
    const userId = parseInput(userIdSchema, userIdInput, 'userId');
    const method = parseInput(methodSchema, methodInput, 'method');
    const user = await loadUser(ctx, userId);
    if (!user[method]) return;
    const other = method === 'totp' ? user.email : user.totp;
    const ops: StoreOp[] = [
      { type: 'delete', key: method === 'totp' ? storeKeys.totp(userId) : storeKeys.email(userId) },
      ctx.devices.revokeAllOp(userId),
    ];
    if (!other) ops.push({ type: 'delete', key: storeKeys.backupCodes(userId) });
    await ctx.store.commit(ops, ctx.now());
    await ctx.emit({ type: method === 'totp' ? 'totp.disabled' : 'email.disabled', userId });
  };
}

export function createBackupCodesApi(ctx: Context): BackupCodesApi {
  return {
    async regenerate(userIdInput, options) {
      const userId = parseInput(userIdSchema, userIdInput, 'userId');
      const user = await loadUser(ctx, userId);
      if (!user.totp && !user.email)
        throw new FactorkitError('NOT_ENABLED', 'backup codes need an enabled method');
      const policy = await ctx.policy();
      const codes = ctx.vault.generate();
      const ops: StoreOp[] = [ctx.vault.storeOp(userId, codes, policy.backupCodes.storage)];
      if (options?.revokeDevices) ops.push(ctx.devices.revokeAllOp(userId));
      await ctx.store.commit(ops, ctx.now());
      await ctx.emit({ type: 'backup-codes.generated', userId, detail: { count: codes.length } });
      return codes;
    },
    async view(userIdInput) {
      const userId = parseInput(userIdSchema, userIdInput, 'userId');
      const user = await loadUser(ctx, userId);
      if (!user.totp && !user.email) return { total: 0, remaining: 0, codes: null };
      return ctx.vault.view(userId, user.backupCodes?.fields ?? null);
    },
    toText(codes, options) {
      const parsedCodes = parseInput(z.array(z.string().max(64)).max(100), codes, 'codes');
      const { accountName } = parseInput(
        z.object({ accountName: z.string().min(1).max(256) }),
        options,
        'options',
      );
      return ctx.vault.toText(parsedCodes, { issuer: ctx.issuer, accountName });
    },
  };
}

async function authorizeOrThrow(
  ctx: Context,
  actorInput: Actor,
  action: AdminAction,
  userId: string,
): Promise<Actor> {
  const actor = parseInput(actorSchema, actorInput, 'actor') as Actor;
  if ((await ctx.authorize(actor, action, userId)) !== true) {
    throw new FactorkitError('NOT_AUTHORIZED', `actor ${actor.id} may not ${action} for this user`);
  }
  return actor;
}

/** Hash context of admin-issued codes. */
export const adminCodeContext = (userId: string) => `admin-code\0${userId}`;

export function createAdminApi(ctx: Context): AdminApi {
  return {
    async issueBackupCode(actorInput, userIdInput) {
      const userId = parseInput(userIdSchema, userIdInput, 'userId');
      const actor = await authorizeOrThrow(ctx, actorInput, 'issue-backup-code', userId);
      const policy = await ctx.policy();
      const code = ctx.vault.generate()[0]!;
      const now = ctx.now();
      const expiresAt = now + policy.adminCodeTtlMs;
      const hash = ctx.keyring.hash(ctx.vault.normalize(code)!, adminCodeContext(userId)) as string;
      const fields = {
        code: hash,
        kid: ctx.keyring.currentId,
        actor: actor.id,
        issuedAt: String(now),
        deadline: String(expiresAt),
      };
      await ctx.store.commit([{ type: 'put', key: storeKeys.adminCode(userId), fields, expiresAt }], now);
      await ctx.emit({ type: 'admin.backup-code-issued', userId, actor, detail: { expiresAt } });
      return { code, expiresAt };
    },
    async reset(actorInput, userIdInput) {
      const userId = parseInput(userIdSchema, userIdInput, 'userId');
      const actor = await authorizeOrThrow(ctx, actorInput, 'reset-2fa', userId);
      const keys = [
        storeKeys.totp(userId),
        storeKeys.totpPending(userId),
        storeKeys.email(userId),
        storeKeys.emailPending(userId),
        storeKeys.backupCodes(userId),
        storeKeys.adminCode(userId),
        storeKeys.devices(userId),
      ];
      await ctx.store.commit(
        keys.map((key) => ({ type: 'delete', key }) as const),
        ctx.now(),
      );
      await ctx.emit({ type: 'admin.reset', userId, actor });
    },
  };
}

export function createDevicesApi(ctx: Context): DevicesApi {
  return {
    async list(userIdInput) {
      return ctx.devices.list(parseInput(userIdSchema, userIdInput, 'userId'));
    },
    async revoke(userIdInput, deviceIdInput) {
      const userId = parseInput(userIdSchema, userIdInput, 'userId');
      const deviceId = parseInput(z.string().min(1).max(64), deviceIdInput, 'deviceId');
      const result = await ctx.store.commit([ctx.devices.revokeOp(userId, deviceId)], ctx.now());
      if (result.ok) await ctx.emit({ type: 'device.revoked', userId, detail: { deviceId } });
      return result.ok;
    },
    async revokeAll(userIdInput) {
      const userId = parseInput(userIdSchema, userIdInput, 'userId');
      await ctx.store.commit([ctx.devices.revokeAllOp(userId)], ctx.now());
      await ctx.emit({ type: 'devices.revoked', userId });
    },
  };
}
