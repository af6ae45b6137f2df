import { z } from 'zod';
import { parseInput, userIdSchema } from '../../core/validation.js';
import { storeKeys } from '../../store/keys.js';
import type { MethodContext } from '../context.js';
import { turnFactorOff } from '../turn-off.js';
import { keysOf } from './webauthn-assertion.js';
import {
  credentialField,
  credentialValue,
  type SecurityKey,
  securityKeyView,
} from './webauthn-credentials.js';
import { labelSchema } from './webauthn-registration.js';

const keyIdSchema = z
  .string()
  .min(1)
  .max(1400)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be base64url');

/** A change to a key: done, or no such key for this user. */
export type KeyChangeResult = { ok: true } | { ok: false; reason: 'unknown-key' };

/** Tries a compare-and-set a few times: another change to the same keys (a login's counter) may win a round. */
const ROUNDS = 5;

/** `webauthn.list`: the user's keys, oldest first, without their public keys. */
export async function listKeys(ctx: MethodContext, userIdInput: string): Promise<SecurityKey[]> {
  const userId = parseInput(userIdSchema, userIdInput, 'userId');
  return keysOf(await ctx.methods.loadUser(userId)).map(securityKeyView);
}

/** `webauthn.rename`: a new label, set only while the key is as read (a concurrent login's use is kept). */
export async function renameKey(
  ctx: MethodContext,
  userIdInput: string,
  idInput: string,
  labelInput: string,
): Promise<KeyChangeResult> {
  const userId = parseInput(userIdSchema, userIdInput, 'userId');
  const id = parseInput(keyIdSchema, idInput, 'id');
  const label = parseInput(labelSchema, labelInput, 'label');
  for (let round = 0; round < ROUNDS; round++) {
    const key = keysOf(await ctx.methods.loadUser(userId)).find((candidate) => candidate.id === id);
    if (!key) return { ok: false, reason: 'unknown-key' };
    const field = credentialField(id);
    const done = await ctx.store.commit(
      [
        {
          type: 'merge',
          key: storeKeys.webauthn(userId),
          fields: { [field]: credentialValue({ ...key, label }) },
          match: { [field]: credentialValue(key) },
        },
      ],
      ctx.now(),
    );
    if (done.ok) {
      await ctx.emit({ type: 'webauthn.renamed', userId, detail: { credentialId: id, label } });
      return { ok: true };
    }
  }
  return { ok: false, reason: 'unknown-key' };
}

/**
 * `webauthn.remove` (hosts ask for step-up first): the key can no longer sign in, and what it may
 * have opened closes with it in the same step: every trusted browser and every session of the user
 * (the caller renews its own), as when a factor is turned off. A key is removed because it was lost
 * or stolen. Removing the last key turns the method off, as `disable` does (pending setups end too;
 * backup codes go with the last factor), unless a key was added meanwhile.
 */
export async function removeKey(
  ctx: MethodContext,
  userIdInput: string,
  idInput: string,
): Promise<KeyChangeResult> {
  const userId = parseInput(userIdSchema, userIdInput, 'userId');
  const id = parseInput(keyIdSchema, idInput, 'id');
  const record = storeKeys.webauthn(userId);
  const policy = await ctx.policy();
  const taken = await ctx.store.commit(
    [
      { type: 'takeField', key: record, field: credentialField(id) },
      ctx.devices.revokeAllOp(userId),
      ctx.sessions.endAllOp(userId, policy.sessionMaxAgeMs),
    ],
    ctx.now(),
    [record],
  );
  if (!taken.ok) return { ok: false, reason: 'unknown-key' };
  await ctx.emit({ type: 'webauthn.removed', userId, detail: { credentialId: id } });
  const left = keysOf({ webauthn: taken.read?.[0] ?? null }).length - 1;
  // The last key: the method goes off, only while no key was added since (the record is gone).
  if (left === 0) await turnFactorOff(ctx, userId, 'webauthn', [{ type: 'absent', key: record }]);
  return { ok: true };
}
