import { storeKeys } from '../../store/keys.js';
import type { MethodContext } from '../context.js';
import { defineMethod, type Proof, type UserRecords } from '../method-module.js';
import { recordKeyIds, rekeyRecord } from './backup-code-record.js';
import { createBackupCodesApi } from './backup-codes-api.js';

const codesOf = (user: UserRecords) => user['backupCodes']?.fields ?? null;

/**
 * Ten single-use recovery codes, issued with the first factor and taken with the last. Record:
 * `backup-codes` (each code sealed: its digest, or its text in `viewable` storage).
 */
export const backupCodesModule = defineMethod({
  id: 'backup-code',
  role: 'recovery',
  offered: true,
  userFields: [],
  records: { backupCodes: storeKeys.backupCodes },
  // A login reads the codes only for a code of their shape.
  readsFor: (ctx: MethodContext, proof: Proof) => 'code' in proof && ctx.vault.normalize(proof.code) !== null,
  keys: (userId: string) => [storeKeys.backupCodes(userId)],
  pendingKeys: () => [],
  usable: (ctx: MethodContext, user: UserRecords) => ctx.vault.remaining(codesOf(user)) > 0,
  matchCode(ctx: MethodContext, { userId, code, user }) {
    const redeem = ctx.vault.redeemOp(userId, code, codesOf(user));
    return redeem
      ? { kind: 'match', method: 'backup-code', ops: [redeem], usedEvent: 'backup-code.used' }
      : null;
  },
  status: (ctx: MethodContext, user: UserRecords) => ({
    backupCodesRemaining: ctx.vault.remaining(codesOf(user)),
  }),
  keyUses: [
    {
      kind: 'backup-codes',
      life: 'lasting',
      records: ['backup-codes'],
      keyIds: (fields) => recordKeyIds(fields),
      rekey: rekeyRecord,
    },
  ],
  api: { name: 'backupCodes', create: createBackupCodesApi },
});
