import type { Policy } from '../../core/policy/policy-schema.js';
import { lastingSealedField } from '../../store/key-use.js';
import { storeKeys } from '../../store/keys.js';
import type { StoreOp } from '../../store/store.js';
import type { MethodContext } from '../context.js';
import { defineMethod } from '../method-module.js';
import type { FirstFactorIssue } from '../method-registry.js';
import type { CodeAttempt, CodeMatch, Proof } from '../proof.js';
import type { UserRecords } from '../user-records.js';
import { recordKeyIds, rekeyRecord } from './backup-code-record.js';
import { BackupCodeVault } from './backup-code-vault.js';
import { type BackupCodesContext, createBackupCodesApi } from './backup-codes-api.js';
import { backupCodeRoutes, backupCodesStatusBody } from './backup-codes-routes.js';
import { bcryptEntries, formOf, mayBeForeignCode, PEPPER_FIELD, pepperContext } from './foreign-codes.js';

const codesOf = (user: UserRecords) => user['backupCodes']?.fields ?? null;

const matchOf = (redeem: StoreOp | null): CodeMatch | null =>
  redeem ? { kind: 'match', method: 'backup-code', ops: [redeem], usedEvent: 'backup-code.used' } : null;

/**
 * Ten single-use recovery codes, issued with the first factor and taken with the last. Record:
 * `backup-codes` (each code sealed: its digest, or its text in `viewable` storage; imported
 * bcrypt hashes as they came, with their pepper sealed).
 */
export const backupCodesModule = defineMethod({
  id: 'backup-code',
  role: 'recovery',
  offered: true,
  userFields: [],
  records: { backupCodes: storeKeys.backupCodes },
  keys: (userId: string) => [storeKeys.backupCodes(userId)],
  pendingKeys: () => [],
  services: (ctx: MethodContext) => ({
    vault: new BackupCodeVault({ keys: ctx.keyring, random: ctx.random, now: ctx.now }),
  }),
  // A login reads the codes only for a code of their shape (factorkit's, or an imported set's).
  readsFor: (ctx: BackupCodesContext, proof: Proof) =>
    'code' in proof &&
    (ctx.vault.normalize(proof.code) !== null || mayBeForeignCode(proof.code, ctx.totp.digits)),
  usable: (ctx: BackupCodesContext, user: UserRecords) => ctx.vault.remaining(codesOf(user)) > 0,
  matchCode(ctx: BackupCodesContext, { userId, code, user }: CodeAttempt) {
    const record = codesOf(user);
    // Imported bcrypt codes are checked asynchronously (bcrypt-check.ts); every other form at once.
    if (formOf(record) === 'bcrypt') return ctx.vault.redeemHashedOp(userId, code, record).then(matchOf);
    return matchOf(ctx.vault.redeemOp(userId, code, record));
  },
  // Recovery codes mean nothing without a factor.
  status: (ctx: BackupCodesContext, user: UserRecords, factorOn: boolean) => ({
    backupCodesRemaining: factorOn ? ctx.vault.remaining(codesOf(user)) : 0,
  }),
  issueWithFirstFactor(ctx: BackupCodesContext, userId: string, policy: Policy): FirstFactorIssue {
    const codes = ctx.vault.generate();
    return {
      ops: [ctx.vault.storeOp(userId, codes, policy.backupCodes.storage)],
      result: { backupCodes: codes },
      events: [{ type: 'backup-codes.generated', userId, detail: { count: codes.length } }],
    };
  },
  keyUses: [
    {
      kind: 'backup-codes',
      life: 'lasting',
      records: ['backup-codes'],
      keyIds: (fields) => recordKeyIds(fields),
      rekey: rekeyRecord,
    },
    // Devise's pepper, imported with bcrypt-hashed codes: sealed, so it moves like a code.
    lastingSealedField('backup-code-pepper', 'backup-codes', PEPPER_FIELD, pepperContext),
    // Imported bcrypt hashes are under no application key: counted apart, never moved.
    {
      kind: 'backup-codes-bcrypt',
      life: 'lasting',
      records: ['backup-codes'],
      keyIds: () => [],
      unkeyed: (fields) => formOf(fields) === 'bcrypt' && bcryptEntries(fields).length > 0,
    },
  ],
  api: { name: 'backupCodes', create: createBackupCodesApi },
  events: ['backup-codes.generated', 'backup-code.used'],
  http: { routes: backupCodeRoutes, status: backupCodesStatusBody },
});
