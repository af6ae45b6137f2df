import {
  type ImportOptions,
  type ImportResult,
  importPrepared,
  type PreparedUser,
  prepareUsers,
} from '../entries/import.js';
import type { FactorkitError, TwoFactor } from '../entries/index.js';
import type { Outcome } from './import-journal.js';

/**
 * What became of one user of a batch, with the report's reason for a skip or a refusal: all that a
 * worker committing its own batches posts back (a few words a user, never a secret).
 */
export type UserOutcome = { outcome: Outcome; reason?: string };

/**
 * A refusal as a report line: the field and why, never the value (`[factorkit] ` dropped). What a
 * host would set in `createTwoFactor` is an import flag here.
 */
function reasonOf(error: FactorkitError): string {
  const reason = error.message.replace(/^\[factorkit\] /, '');
  if (/^securityKeys\.\d+\.rpId$/.test(error.field ?? ''))
    return `${error.field}: is needed: give it in the source, or pass --rp-id (and --origin)`;
  if (/^securityKeys\.\d+\.origin$/.test(error.field ?? '') && reason.includes('createTwoFactor'))
    return `${error.field}: is needed: give it in the source, or pass --origin`;
  return reason;
}

/** The outcomes of `importPrepared` / `importUsers`' answers, in order. */
const outcomesOf = (results: readonly PromiseSettledResult<ImportResult>[]): UserOutcome[] =>
  results.map((result): UserOutcome => {
    if (result.status === 'rejected') return { outcome: 'refused', reason: reasonOf(result.reason) };
    const done = result.value;
    return done.outcome === 'skipped'
      ? { outcome: 'skipped', reason: done.reason }
      : { outcome: done.outcome };
  });

/**
 * Writes a batch through `tf`'s store: the users `prepared` (on a worker thread, with the same keys),
 * or, without them, validated and sealed here first. Each user is one atomic commit (`importPrepared`).
 * @throws as `importUsers`: `STORE_UNAVAILABLE` on an outage, `CONFIG` for the facade.
 */
export async function importHere(
  tf: TwoFactor,
  users: readonly unknown[],
  options: ImportOptions,
  prepared?: readonly PreparedUser[],
): Promise<UserOutcome[]> {
  const ready = prepared ?? (await prepareUsers(tf, users, options));
  return outcomesOf(await importPrepared(tf, users, ready, options));
}
