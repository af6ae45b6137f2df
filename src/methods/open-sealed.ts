import { FactorkitError } from '../core/errors.js';
import { Keyring } from '../core/keyring.js';
import type { MethodContext } from './context.js';

/** Key ids already warned about in this process: one warning per key, not one per sign-in. */
const warned = new Set<string>();

/**
 * Opens a method's sealed secret. One that cannot be opened (sealed under a key no longer
 * configured, or damaged) answers null: that method fails closed (no code of it matches), it is
 * reported (`secret.unreadable`, and a process warning once per key id), and the user's other
 * methods keep working, instead of the whole sign-in failing with `DECRYPT_FAILED`.
 */
export function openSealed(
  ctx: MethodContext,
  input: { sealed: string; context: string; userId: string; method: string },
): string | null {
  try {
    return ctx.keyring.open(input.sealed, input.context);
  } catch (error) {
    if (!(error instanceof FactorkitError) || error.code !== 'DECRYPT_FAILED') throw error;
    const keyId = Keyring.keyIdOf(input.sealed) ?? '?';
    if (!warned.has(keyId)) {
      warned.add(keyId);
      process.emitWarning(
        `[factorkit] a ${input.method} secret sealed under key id ${keyId} cannot be opened ` +
          `(${ctx.keyring.has(keyId) ? 'it is damaged' : 'that key is not configured'}): docs/keys.md`,
      );
    }
    void ctx.emit({
      type: 'secret.unreadable',
      userId: input.userId,
      detail: { method: input.method, keyId },
    });
    return null;
  }
}
