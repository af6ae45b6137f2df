import { z } from 'zod';
import { storeKeys } from '../store/keys.js';
import type { StoredRecord } from '../store/store.js';
import type { Context } from './context.js';

/** A user id: any string of 1 to 256 characters chosen by the host. */
export const userIdSchema = z.string().min(1).max(256);

/** The records that say what a user has enabled. */
export interface UserRecords {
  totp: StoredRecord | null;
  email: StoredRecord | null;
  backupCodes: StoredRecord | null;
  adminCode: StoredRecord | null;
  /** The replay floor: the last accepted TOTP step. */
  totpStep: StoredRecord | null;
}

/** The keys of a user's method records and replay floor, in {@link userRecords} order. */
export function userKeys(userId: string): string[] {
  return [
    storeKeys.totp(userId),
    storeKeys.email(userId),
    storeKeys.backupCodes(userId),
    storeKeys.adminCode(userId),
    storeKeys.totpStep(userId),
  ];
}

/** The records read for {@link userKeys}. */
export function userRecords(records: ReadonlyArray<StoredRecord | null> | undefined): UserRecords {
  const [totp, email, backupCodes, adminCode, totpStep] = records ?? [];
  return {
    totp: totp ?? null,
    email: email ?? null,
    backupCodes: backupCodes ?? null,
    adminCode: adminCode ?? null,
    totpStep: totpStep ?? null,
  };
}

/** Loads a user's method records and replay floor in one round trip. */
export async function loadUser(ctx: Context, userId: string): Promise<UserRecords> {
  return userRecords(await ctx.store.getMany(userKeys(userId), ctx.now()));
}

/** The last accepted TOTP step of a user, if any. */
export function lastStep(user: UserRecords): number | undefined {
  return user.totpStep ? Number(user.totpStep.fields['step']) : undefined;
}

/** `a***@example.com`: enough for the user to recognise the address, not enough to harvest it. */
export function maskEmail(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 1) return '***';
  return `${address[0]}***${address.slice(at)}`;
}

/** The AEAD context that binds a sealed TOTP secret to its user. */
export const totpSealContext = (userId: string) => `totp-secret\0${userId}`;
