import { Keyring } from '../../core/keyring.js';
import { storeKeys } from '../../store/keys.js';
import type { Fields, StoreOp } from '../../store/store.js';
import { codeEntries, FIELD_PREFIX, isHashNamed, isSalted, SALT_FIELD } from './backup-code-record.js';
import type { BackupCodeStorage } from './backup-code-vault.js';
import type { BackupCodesContext } from './backup-codes-api.js';
import {
  BCRYPT_PREFIX,
  bcryptEntries,
  type CodeForm,
  FORM_FIELD,
  formOf,
  PEPPER_FIELD,
  pepperContext,
  pepperOf,
} from './foreign-codes.js';

/**
 * A set of codes as an import brings it (or a factorkit export wrote it); `generatedAt` in ms:
 * - `plain`: in clear, stored like factorkit's own (viewable, or hashed under a sealed key);
 * - `salted`: a `hashed` set as an export wrote it: the codes' hashes and the set's sealed key
 *   (which names its key id, and opens only for the same user with that key): stored as they are,
 *   the key under the current key;
 * - `sealed`: the sealed values of a `hashed` set of the earlier form, as an export wrote them
 *   (each names its key id, and opens only for the same user with that key): stored as they are,
 *   under the current key;
 * - `bcrypt`: hashes kept as they came, with Devise's pepper sealed;
 * - `keyed`: a factorkit 0.1 `hashed` set (HMACs under `keyId`): nobody has its codes, so it is
 *   kept as it was and, like it, cannot move to another key.
 */
export type ImportedCodeSet = { total: number; generatedAt: number } & (
  | { kind: 'plain'; codes: string[]; form: 'plain' | 'plain-nocase' }
  | { kind: 'salted'; salt: string; hashes: string[]; form?: Exclude<CodeForm, 'bcrypt'> }
  | { kind: 'sealed'; values: string[]; form?: Exclude<CodeForm, 'bcrypt'> }
  | { kind: 'bcrypt'; hashes: string[]; pepper?: string }
  | { kind: 'keyed'; keyId: string; hashes: string[] }
);

/** The op that stores codes another system issued, replacing any older ones. */
export function importedCodesOp(
  ctx: BackupCodesContext,
  userId: string,
  codes: ImportedCodeSet,
  storage: BackupCodeStorage,
): StoreOp {
  const described = { total: codes.total, generatedAt: codes.generatedAt };
  if (codes.kind === 'plain') {
    // factorkit's own shape is kept as factorkit's; any other as the form the set has.
    const native = codes.codes.every((code) => ctx.vault.normalize(code) !== null);
    return ctx.vault.sealedSetOp(userId, codes.codes, storage, {
      form: native ? null : codes.form,
      ...described,
    });
  }
  const fields: Fields = { total: String(codes.total), generatedAt: String(codes.generatedAt) };
  if (codes.kind === 'keyed') {
    fields['kid'] = codes.keyId;
    for (const hash of codes.hashes) fields[FIELD_PREFIX + hash] = '1';
  } else if (codes.kind === 'salted' || codes.kind === 'sealed') {
    fields['storage'] = 'hashed';
    if (codes.form) fields[FORM_FIELD] = codes.form;
    if (codes.kind === 'salted') fields[SALT_FIELD] = codes.salt;
    (codes.kind === 'salted' ? codes.hashes : codes.values).forEach((value, i) => {
      fields[`${FIELD_PREFIX}${i + 1}`] = value;
    });
  } else {
    fields['storage'] = 'hashed';
    fields[FORM_FIELD] = 'bcrypt';
    codes.hashes.forEach((hash, i) => {
      fields[BCRYPT_PREFIX + i] = hash;
    });
    if (codes.pepper) fields[PEPPER_FIELD] = ctx.keyring.seal(codes.pepper, pepperContext(userId));
  }
  return { type: 'put', key: storeKeys.backupCodes(userId), fields, expiresAt: null };
}

/** Field names in the order the set was written (`c:2` before `c:10`): every store exports alike. */
const inOrder = (entries: Array<[string, string]>) =>
  entries.sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }));

/**
 * A record's unused codes as an export writes them: in clear when viewable, else as stored (the
 * hashes and the set's sealed key, or the earlier form's sealed digests, which only the same keys
 * open for the same user; bcrypt hashes and their pepper; a 0.1 set's HMACs). Only codes that can
 * still be checked (their key is configured) go.
 */
export function exportedCodes(
  ctx: BackupCodesContext,
  userId: string,
  record: Fields | null,
): ImportedCodeSet | null {
  if (!record || ctx.vault.remaining(record) === 0) return null;
  const described = { total: Number(record['total'] ?? 0), generatedAt: Number(record['generatedAt'] ?? 0) };
  const form = formOf(record);
  if (form === 'bcrypt') {
    const pepper = pepperOf(ctx.keyring, userId, record);
    const hashes = inOrder(bcryptEntries(record)).map(([, hash]) => hash);
    return { kind: 'bcrypt', hashes, ...(pepper ? { pepper } : {}), ...described };
  }
  const codes = ctx.vault.view(userId, record).codes;
  if (codes) return { kind: 'plain', codes: codes.sort(), form: form ?? 'plain', ...described };
  const entries = inOrder(codeEntries(record));
  if (isHashNamed(record))
    return {
      kind: 'keyed',
      keyId: record['kid']!,
      hashes: entries.map(([name]) => name.slice(2)),
      ...described,
    };
  const formed = form ? { form } : {};
  // remaining() above says the set's key is configured.
  if (isSalted(record))
    return {
      kind: 'salted',
      salt: record[SALT_FIELD]!,
      hashes: entries.map(([, value]) => value),
      ...formed,
      ...described,
    };
  const values = entries.map(([, value]) => value).filter((value) => ctx.keyring.has(Keyring.keyIdOf(value)));
  return { kind: 'sealed', values, ...formed, ...described };
}
