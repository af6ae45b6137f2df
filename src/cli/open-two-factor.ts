import {
  createTwoFactor,
  keysFromEnv,
  MemoryMailer,
  MemorySender,
  type Store,
  type TwoFactor,
  type TwoFactorOptions,
} from '../entries/index.js';
import type { CliIo } from './command.js';
import { UsageError } from './exit-codes.js';
import { type OpenedStore, openStore, type WhenAbsent } from './open-store.js';

/** The `--store` flag every command that works on a store takes. */
export const storeFlag = {
  store: {
    type: 'string',
    description:
      'the store: sqlite:./2fa.db, redis://..., redis-cluster://h1:p1,h2:p2, postgres://... (docs/cli.md)',
  },
} as const;

/** What a command may set beyond the store and the keys (`import`: the backup-code policy, the relying party). */
export type FacadeExtras = Pick<TwoFactorOptions, 'policy' | 'webauthn'>;

/**
 * The CLI's facade over `store` with `keys`, as the app builds it. The CLI sends no mail and no text
 * message, but its email and phone methods are on, so that `import` stores an address or a number
 * (validated as at setup) as the app's own facade would. It sends no security notice either: it has
 * no mailer to send one with, a notice would only take from the user's hourly budget that the app's
 * own notices need, and none would outlive the command closing the store (an import calls for none:
 * docs/migration.md).
 */
export function cliTwoFactor(
  store: Store,
  keys: TwoFactorOptions['keys'],
  facade: FacadeExtras = {},
): TwoFactor {
  return createTwoFactor({
    issuer: 'factorkit CLI',
    store,
    mailer: new MemoryMailer(),
    phone: { sender: new MemorySender() },
    notify: false,
    keys,
    ...facade,
  });
}

/**
 * The facade over the `--store` URL with the keys from `FACTORKIT_KEY` / `FACTORKIT_OLD_KEYS`, as
 * the app builds it (the CLI sends no mail): every command that works on a store opens it here.
 * `absent` says what a URL that names no store yet gets (`openStore`). Close it with `close()`.
 * @throws {UsageError} without `--store`; `CONFIG` for a bad URL or key.
 */
export async function openTwoFactor(
  flags: Record<string, string | boolean | undefined>,
  io: CliIo,
  options: { absent?: WhenAbsent; facade?: FacadeExtras } = {},
): Promise<{ tf: TwoFactor; opened: OpenedStore; close(): Promise<void> }> {
  const url = flags['store'];
  if (typeof url !== 'string' || url === '') throw new UsageError('--store <url> is required');
  // Read first: a missing or bad key is said before a store is opened.
  const keys = keysFromEnv(io.env);
  const opened = await openStore(url, { absent: options.absent ?? 'refuse' });
  try {
    const tf = cliTwoFactor(opened.store, keys, options.facade);
    return { tf, opened, close: () => opened.close() };
  } catch (error) {
    await opened.close();
    throw error;
  }
}
