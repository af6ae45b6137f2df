import { ConfigError } from './errors.js';
import type { KeysInput } from './keyring.js';

/**
 * The application keys from the environment, the one convention the CLI and the docs use:
 * `FACTORKIT_KEY` is the current key; `FACTORKIT_OLD_KEYS`, during a rotation, the older keys
 * separated by commas (values sealed under them still open; new ones use the current key).
 *
 * @throws {ConfigError} `CONFIG` when `FACTORKIT_KEY` is not set, saying how to make one.
 * @example
 * const tf = createTwoFactor({ ..., keys: keysFromEnv(process.env) });
 */
export function keysFromEnv(env: Readonly<Record<string, string | undefined>>): KeysInput {
  const current = env['FACTORKIT_KEY']?.trim();
  if (!current) {
    throw new ConfigError(
      'keys',
      'FACTORKIT_KEY is not set in this environment. Make a key with `npx factorkit keygen` ' +
        '(or `openssl rand -hex 32`) and set FACTORKIT_KEY to it, from your secret store',
    );
  }
  const old = (env['FACTORKIT_OLD_KEYS'] ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter((key) => key !== '');
  if (old.length === 0) return current;
  return Object.assign({ current }, ...old.map((key, i) => ({ [`old${i + 1}`]: key })));
}
