import { safeEqual } from '../../core/keyring.js';
import { storeKeys } from '../../store/keys.js';
import { userFields } from '../../store/layout.js';
import { wholeNumberField } from '../../store/record-fields.js';
import type { StoreOp } from '../../store/store.js';
import type { MethodContext } from '../context.js';
import { defineMethod, type UserRecords, userField } from '../method-module.js';

/** Hash context of admin-issued codes. */
const adminCodeContext = (userId: string) => `admin-code\0${userId}`;

const ADMIN_FIELDS = [
  userFields.adminCode,
  userFields.adminKid,
  userFields.adminBy,
  userFields.adminAt,
  userFields.adminUntil,
];

/**
 * The op that stores a new admin-issued code for `userId` (newest wins: it replaces any older one)
 * and the code to hand over. Only its keyed hash is stored.
 */
export function issueAdminCodeOp(
  ctx: MethodContext,
  userId: string,
  actorId: string,
  expiresAt: number,
): { code: string; op: StoreOp } {
  const code = ctx.vault.generate()[0]!;
  const fields = {
    [userFields.adminCode]: ctx.keyring.hash(ctx.vault.normalize(code)!, adminCodeContext(userId)) as string,
    [userFields.adminKid]: ctx.keyring.currentId,
    [userFields.adminBy]: actorId,
    [userFields.adminAt]: String(ctx.now()),
    [userFields.adminUntil]: String(expiresAt),
  };
  return { code, op: { type: 'merge', key: storeKeys.user(userId), fields, create: true } };
}

/** Whether the user holds an admin-issued code still valid at `now`. */
function adminCodeLive(user: UserRecords, now: number): boolean {
  const until = userField(user, userFields.adminUntil);
  if (userField(user, userFields.adminCode) === undefined || until === undefined) return false;
  return now < wholeNumberField(until, userFields.adminUntil, 'user');
}

/**
 * One-time codes an administrator issues for an agent who lost their factor: 30 minutes, single
 * use, newest wins, accepted at login only (never for step-up) and never offered by name. In
 * `{tag}:user`: the code's keyed hash, key id, issuer, issue time and end (`adminUntil`).
 */
export const adminCodeModule = defineMethod({
  id: 'admin-code',
  role: 'recovery',
  offered: false,
  userFields: ADMIN_FIELDS,
  records: {},
  keys: () => [],
  pendingKeys: () => [],
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
  matchCode(ctx: MethodContext, { userId, code, purpose, now, user }) {
    const stored = userField(user, userFields.adminCode);
    if (stored === undefined || purpose !== 'login' || !adminCodeLive(user, now)) return null;
    const canonical = ctx.vault.normalize(code);
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
    return { kind: 'match', method: 'admin-code', ops: [op] };
  },
});
