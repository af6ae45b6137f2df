import { safeEqual } from '../../core/keyring.js';
import { storeKeys } from '../../store/keys.js';
import { requiredField } from '../../store/record-fields.js';
import type { StoreOp } from '../../store/store.js';
import type { MethodContext } from '../context.js';
import { defineMethod, type UserRecords } from '../method-module.js';

/** Hash context of admin-issued codes. */
const adminCodeContext = (userId: string) => `admin-code\0${userId}`;

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
  const hash = ctx.keyring.hash(ctx.vault.normalize(code)!, adminCodeContext(userId)) as string;
  const fields = {
    code: hash,
    kid: ctx.keyring.currentId,
    actor: actorId,
    issuedAt: String(ctx.now()),
    deadline: String(expiresAt),
  };
  return { code, op: { type: 'put', key: storeKeys.adminCode(userId), fields, expiresAt } };
}

/**
 * One-time codes an administrator issues for an agent who lost their factor: 30 minutes, single
 * use, newest wins, accepted at login only (never for step-up) and never offered by name. Record:
 * `admin-code`.
 */
export const adminCodeModule = defineMethod({
  id: 'admin-code',
  role: 'recovery',
  offered: false,
  records: { adminCode: storeKeys.adminCode },
  keys: (userId: string) => [storeKeys.adminCode(userId)],
  pendingKeys: () => [],
  usable: (_ctx: MethodContext, user: UserRecords) => Boolean(user['adminCode']),
  matchCode(ctx: MethodContext, { userId, code, purpose, user }) {
    const admin = user['adminCode']?.fields;
    if (!admin || purpose !== 'login') return null;
    const canonical = ctx.vault.normalize(code);
    if (canonical === null) return null;
    const hash = ctx.keyring.hash(canonical, adminCodeContext(userId), admin['kid']);
    if (hash === null || !safeEqual(hash, requiredField(admin, 'code', 'admin-code'))) return null;
    const ops: StoreOp[] = [{ type: 'take', key: storeKeys.adminCode(userId), match: { code: hash } }];
    return { kind: 'match', method: 'admin-code', ops };
  },
});
