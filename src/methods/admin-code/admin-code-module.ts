import { safeEqual } from '../../core/keyring.js';
import { storeKeys } from '../../store/keys.js';
import { userFields } from '../../store/layout.js';
import { wholeNumberField } from '../../store/record-fields.js';
import type { StoreOp } from '../../store/store.js';
import { BackupCodeVault } from '../backup-codes/backup-code-vault.js';
import type { MethodContext } from '../context.js';
import { defineMethod } from '../method-module.js';
import type { CodeAttempt } from '../proof.js';
import { type UserRecords, userField } from '../user-records.js';
import {
  ADMIN_FIELDS,
  type AdminCodeContext,
  adminCodeContext,
  createAdminCodeCalls,
} from './admin-code-calls.js';
import { adminCodeRoutes } from './admin-code-routes.js';

/** Whether the user holds an admin-issued code still valid at `now`. */
function adminCodeLive(user: UserRecords, now: number): boolean {
  const until = userField(user, userFields.adminUntil);
  if (userField(user, userFields.adminCode) === undefined || until === undefined) return false;
  return now < wholeNumberField(until, userFields.adminUntil, 'user');
}

/**
 * One-time codes an administrator issues for an agent who lost their factor: 30 minutes, single
 * use, newest wins, accepted at login only (never for step-up) and never offered by name. In
 * `{tag}:user`: the code's keyed hash, key id, issuer, issue time and end (`adminUntil`). Shaped
 * like a backup code.
 */
export const adminCodeModule = defineMethod({
  id: 'admin-code',
  role: 'recovery',
  offered: false,
  userFields: ADMIN_FIELDS,
  records: {},
  keys: () => [],
  pendingKeys: () => [],
  services: (ctx: MethodContext) => ({
    codeFormat: new BackupCodeVault({ keys: ctx.keyring, random: ctx.random, now: ctx.now }),
  }),
  usable: (ctx: MethodContext, user: UserRecords) => adminCodeLive(user, ctx.now()),
  // Its keyed hash cannot be moved to another key (the code is not kept): it lapses in 30 minutes.
  keyUses: [
    {
      kind: 'admin-code',
      life: 'lapses',
      records: ['user'],
      keyIds: (fields, now) => {
        const keyId = fields[userFields.adminKid];
        const live =
          fields[userFields.adminCode] !== undefined && now < Number(fields[userFields.adminUntil] ?? 0);
        return live && keyId !== undefined ? [keyId] : [];
      },
    },
  ],
  matchCode(ctx: AdminCodeContext, { userId, code, purpose, now, user }: CodeAttempt) {
    const stored = userField(user, userFields.adminCode);
    if (stored === undefined || purpose !== 'login' || !adminCodeLive(user, now)) return null;
    const canonical = ctx.codeFormat.normalize(code);
    if (canonical === null) return null;
    const hash = ctx.keyring.hash(canonical, adminCodeContext(userId), userField(user, userFields.adminKid));
    if (hash === null || !safeEqual(hash, stored)) return null;
    // Single use: taken only while it is still this code (a newer one wins).
    const op: StoreOp = {
      type: 'merge',
      key: storeKeys.user(userId),
      fields: {},
      match: { [userFields.adminCode]: hash },
      unset: ADMIN_FIELDS,
    };
    return { kind: 'match', method: 'admin-code', ops: [op] } as const;
  },
  admin: { actions: { issueBackupCode: 'issue-backup-code' }, create: createAdminCodeCalls },
  events: ['admin.backup-code-issued'],
  http: { routes: adminCodeRoutes },
});
