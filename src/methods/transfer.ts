import type { z } from 'zod';
import type { Fields, StoreOp } from '../store/store.js';
import type { MethodContext } from './context.js';
import type { UserRecords } from './user-records.js';

/** What enrolling a method for an imported user writes. */
export interface TransferWrite {
  /** Fields of `{tag}:user`. */
  fields: Fields;
  /** Writes of the method's own records. */
  ops: StoreOp[];
}

/**
 * How one method's enrolment moves between systems (`factorkit/import`, `factorkit export`). It sits
 * in the method's folder because the method owns its record format; `src/import/` lists the
 * transfers instead of hanging them on the modules, so the main entry never carries import code.
 */
export interface MethodTransfer<T = unknown> {
  /** The method it moves (a registry id). */
  readonly method: string;
  /** Its field in an imported user (`totp`, `backupCodes`, `securityKeys`, `email`). */
  readonly field: string;
  /** Validates that field; a failure names its path (`totp.secret`). */
  readonly schema: z.ZodType<T>;
  /** Whether it turns 2FA on (a factor) or only recovers (backup codes need a factor beside them). */
  readonly factor: boolean;
  /** The `{tag}:user` fields a replacing import removes when it does not write them. */
  readonly clears: readonly string[];
  /** The records of its own a replacing import deletes when it does not write them. */
  keys(userId: string): string[];
  /**
   * What enrolling `value` writes. Throws `INVALID_INPUT` naming the field for what a schema cannot
   * see (a malformed COSE key, a hash made with a key this keyring does not hold).
   */
  write(ctx: MethodContext, userId: string, value: T, now: number): TransferWrite | Promise<TransferWrite>;
  /**
   * What identifies the user's enrolment in it as written, or undefined when they have none: what
   * enrolling, confirming, regenerating or removing in factorkit changes, and neither a sign-in (a
   * replay floor, a counter) nor a new key (sealed values are sealed again) does. No secret in clear.
   */
  enrolment(user: UserRecords): unknown;
  /**
   * What a sign-in spends of it for good, when a newer copy of the source could not carry that
   * over (backup codes: the codes left, since the source cannot say which one factorkit took).
   */
  spent?(user: UserRecords): unknown;
  /**
   * One of its writes (`op`) as an import over a user read as `read` makes it: with what sign-ins
   * in factorkit learnt since that the source cannot know, and that must never go back (a security
   * key's signature counter: a lower one lets a cloned key through). Without it, `op` as is.
   */
  keep?(op: StoreOp, read: UserRecords): StoreOp;
  /** What the user holds of it, in the imported shape (secrets in clear), or undefined. */
  read(ctx: MethodContext, userId: string, user: UserRecords): T | undefined | Promise<T | undefined>;
}
