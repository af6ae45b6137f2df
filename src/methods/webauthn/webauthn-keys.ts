import { z } from 'zod';
import { parseInput, userIdSchema } from '../../core/validation.js';
import { storeKeys } from '../../store/keys.js';
import type { StoreOp } from '../../store/store.js';
import type { MethodContext } from '../context.js';
import { turnFactorOff } from '../turn-off.js';
import { keysOf } from './webauthn-assertion.js';
import {
  credentialField,
  credentialValue,
  labelField,
  type SecurityKey,
  type StoredCredential,
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

/** Tries a compare-and-set a few times: a login's use of the same key (its counter) may win a round. */
const ROUNDS = 5;

/** `webauthn.list`: the user's keys, oldest first, without their public keys. */
export async function listKeys(ctx: MethodContext, userIdInput: string): Promise<SecurityKey[]> {
  const userId = parseInput(userIdSchema, userIdInput, 'userId');
  return keysOf(await ctx.methods.loadUser(userId)).map(securityKeyView);
}

/** `webauthn.rename`: a new label, set while the key exists (a concurrent login's use is not disturbed). */
export async function renameKey(
  ctx: MethodContext,
  userIdInput: string,
  idInput: string,
  labelInput: string,
): Promise<KeyChangeResult> {
  const userId = parseInput(userIdSchema, userIdInput, 'userId');
  const id = parseInput(keyIdSchema, idInput, 'id');
  const label = parseInput(labelSchema, labelInput, 'label');
  const done = await changeKey(ctx, userId, id, (key) => ({
    type: 'merge',
    key: storeKeys.webauthn(userId),
    fields: { [labelField(id)]: label },
    match: { [credentialField(id)]: credentialValue(key) },
  }));
  if (!done) return { ok: false, reason: 'unknown-key' };
  await ctx.emit({ type: 'webauthn.renamed', userId, detail: { credentialId: id, label } });
  return { ok: true };
}

/**
 * `webauthn.remove` (hosts ask for step-up first): the key can no longer sign in, and what it may
 * have opened closes with it in the same step: every trusted browser and every session of the user
 * (the caller renews its own), as when a factor is turned off. A key is removed because it was lost
 * or stolen. When no key is left the method turns off, as `disable` does (pending setups end too;
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
  const policy = await ctx.policy({ userId });
  const done = await changeKey(
    ctx,
    userId,
    id,
    (key) => ({
      type: 'merge',
      key: record,
      fields: {},
      match: { [credentialField(id)]: credentialValue(key) },
      unset: [credentialField(id), labelField(id)],
    }),
    [ctx.devices.revokeAllOp(userId), ctx.sessions.endAllOp(userId, policy.sessionMaxAgeMs)],
  );
  if (!done) return { ok: false, reason: 'unknown-key' };
  await ctx.emit({ type: 'webauthn.removed', userId, detail: { credentialId: id } });
  // No key left (the record went with the last field): the method goes off, unless one was added since.
  await turnFactorOff(ctx, userId, 'webauthn', [{ type: 'absent', key: record }]);
  return { ok: true };
}

/**
 * Commits `change` of key `id` (an op guarded by the key being as read), with `also`; reads again
 * and retries when a login changed the key meanwhile. False when there is no such key.
 */
async function changeKey(
  ctx: MethodContext,
  userId: string,
  id: string,
  change: (key: StoredCredential) => StoreOp,
  also: StoreOp[] = [],
): Promise<boolean> {
  for (let round = 0; round < ROUNDS; round++) {
    const key = keysOf(await ctx.methods.loadUser(userId)).find((candidate) => candidate.id === id);
    if (!key) return false;
    if ((await ctx.store.commit([change(key), ...also], ctx.now())).ok) return true;
  }
  return false;
}
