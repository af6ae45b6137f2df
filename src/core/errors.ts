/** Stable machine-readable codes carried by every {@link FactorkitError}. */
export type FactorkitErrorCode =
  | 'INVALID_INPUT'
  | 'NOT_AUTHORIZED'
  | 'STORE_UNAVAILABLE'
  | 'CROSS_SLOT'
  | 'CONFIG'
  | 'MAIL_FAILED'
  /** A method's own channel (a text message, a call, a push) could not deliver a code. */
  | 'DELIVERY_FAILED'
  | 'DECRYPT_FAILED'
  | 'NOT_ENABLED'
  /** A stored record that does not parse: data damaged or written by something else. */
  | 'CORRUPT_RECORD'
  /** An internal invariant failed: a bug in factorkit or in a store, never the caller's input. */
  | 'BUG';

/**
 * The one error type factorkit throws: misuse, bad input, denied admin actions, mail, delivery and
 * storage outages. A wrong code is never an error; it is an `{ ok: false }` result.
 *
 * @example
 * try { await tf.admin.issueBackupCode(actor, 'u1') }
 * catch (e) { if (e instanceof FactorkitError && e.code === 'NOT_AUTHORIZED') res.status(403) }
 */
export class FactorkitError extends Error {
  /** Stable code to branch on; the message is for people. */
  readonly code: FactorkitErrorCode;
  /** For `INVALID_INPUT` and `CONFIG`: the option or argument at fault. */
  readonly field: string | undefined;

  constructor(code: FactorkitErrorCode, message: string, options?: { cause?: unknown; field?: string }) {
    super(`[factorkit] ${message}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FactorkitError';
    this.code = code;
    this.field = options?.field;
  }
}

/** Thrown by stores when the backend cannot be reached or answers with an error: callers fail closed. */
export class StoreUnavailableError extends FactorkitError {
  constructor(store: string, message: string, cause?: unknown) {
    super('STORE_UNAVAILABLE', `[${store}] ${message}`, { cause });
    this.name = 'StoreUnavailableError';
  }
}

/** Thrown when a public input fails validation; `field` names the culprit. */
export class InvalidInputError extends FactorkitError {
  constructor(field: string, message: string) {
    super('INVALID_INPUT', `${field}: ${message}`, { field });
    this.name = 'InvalidInputError';
  }
}

/** Thrown at construction when an option is wrong; `field` names the option. */
export class ConfigError extends FactorkitError {
  constructor(field: string, message: string, cause?: unknown) {
    super('CONFIG', `option ${field}: ${message}`, { field, cause });
    this.name = 'ConfigError';
  }
}
