import { createHash } from 'node:crypto';
import { Keyring, type KeysInput } from '../../src/core/keyring.js';
import { storeKeys } from '../../src/store/keys.js';
import type { StoreOp } from '../../src/store/store.js';

/**
 * The op that stores `codes` as a hashed set of the form before one seal per set: each code's
 * SHA-256 digest (bound to the user) sealed on its own, as earlier builds wrote them.
 */
export function earlierHashedCodesOp(
  keys: KeysInput,
  userId: string,
  codes: string[],
): Extract<StoreOp, { type: 'put' }> {
  const keyring = new Keyring(keys);
  const fields: Record<string, string> = { storage: 'hashed', total: String(codes.length), generatedAt: '1' };
  codes.forEach((code, i) => {
    const digest = createHash('sha256').update(`backup-code\0${userId}\0`).update(code.replace(/-/g, ''));
    fields[`c:${i + 1}`] = keyring.seal(
      `sha256:${digest.digest('base64url')}`,
      `backup-code-sealed\0${userId}`,
    );
  });
  return { type: 'put', key: storeKeys.backupCodes(userId), fields, expiresAt: null };
}
