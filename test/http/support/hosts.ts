/** What every test host app takes: the environment and where to record the errors it hides. */
export interface HostOptions {
  /** Express's `env` (development or production): answers must not change with it. */
  env?: string;
  /** Receives every error answered 500/503 (the adapter's `onError`). */
  errors?: unknown[];
  /** The adapter's extra CSRF check (default: none). */
  csrf?: () => boolean;
  /** Security keys (the adapter's `webauthn` option; default: not configured). */
  webauthn?: { rpId: string; rpName: string; origin: string };
}

/** A running host app: its base URL and how to stop it. */
export interface TestHost {
  base: string;
  close(): Promise<void>;
}
