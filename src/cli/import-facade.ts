import type { FacadeExtras } from './open-two-factor.js';

/** The import's facade settings from its flags: plain data, so a worker thread builds the same facade. */
export interface ImportFacadeSettings {
  /** `--backup-codes`: the org policy's storage of backup codes. */
  storage?: 'hashed' | 'viewable' | undefined;
  /** `--rp-id` and `--origin`: security keys' relying party, when the source has none. */
  rpId?: string | undefined;
  origin?: string | undefined;
}

/**
 * The facade options of an import with these settings. Security keys' verifier is loaded only for
 * an import that names a site (the peer may be absent otherwise).
 */
export async function importFacade(settings: ImportFacadeSettings): Promise<FacadeExtras> {
  const { storage, rpId, origin } = settings;
  const site = rpId !== undefined || origin !== undefined;
  const library = site ? (await import('../entries/webauthn.js')).simpleWebauthn : undefined;
  return {
    ...(storage ? { policy: { backupCodes: { storage } } } : {}),
    ...(site ? { webauthn: { rpId, origin, library } as never } : {}),
  };
}
