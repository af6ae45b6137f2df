import type { SourceRecord } from '../entries/import.js';
import { FactorkitError } from '../entries/index.js';
import type { Finished, ImportJournal } from './import-journal.js';
import type { Importer } from './import-workers.js';
import { printable } from './printable.js';
import type { createProgress } from './progress.js';
import { REFUSALS_SHOWN, type RefusalList } from './refusal-list.js';
import { REPEATED_USER, SeenUsers } from './seen-users.js';

/**
 * What a run did: it went through the whole source, was interrupted, or failed (a store outage; or
 * the facade's configuration, which no run gets past: `config`).
 */
export type RunEnd =
  /** `undecided`: users skipped as `kept-changing` (changing at every attempt): a run again decides them. */
  | { kind: 'complete'; undecided: number }
  | { kind: 'interrupted' }
  | { kind: 'failed'; message: string; config: boolean };

interface RunOptions {
  /** Imports each batch: on this thread, or on worker threads (`--workers`). */
  importer: Importer;
  records: AsyncIterable<SourceRecord>;
  journal: ImportJournal;
  refusals: RefusalList;
  progress: ReturnType<typeof createProgress>;
  concurrency: number;
  /** Users per store call (`commitEach`); `concurrency` users in flight make several batches. */
  batch: number;
  replace: boolean;
  dryRun: boolean;
  signal: AbortSignal;
}

type Read = { digest: Uint8Array | null; record: SourceRecord };

/** Imports a batch of records in one store call; what became of each (an outage is thrown). */
async function importBatch(o: RunOptions, batch: Read[]): Promise<Finished[]> {
  const users = batch.flatMap(({ record }) => ('refused' in record ? [] : [record.user]));
  const outcomes = await o.importer.importBatch(users, { replace: o.replace, dryRun: o.dryRun });
  let next = 0;
  return batch.map(({ digest, record }): Finished => {
    const base = { digest, position: record.position };
    if ('refused' in record)
      return { ...base, outcome: 'refused', userId: record.userId, reason: record.refused };
    const userId = (record.user as { userId?: unknown }).userId;
    return { ...base, userId: typeof userId === 'string' ? userId : undefined, ...outcomes[next++]! };
  });
}

/** A refusal or skip as one line of the report and of stderr, whatever the source's text holds. */
const describe = (entry: Finished) => {
  const user =
    entry.userId === undefined || entry.position === `user ${entry.userId}` ? '' : ` (user ${entry.userId})`;
  return printable(
    `${entry.position}${user}: ${entry.outcome === 'skipped' ? 'skipped' : 'refused'}: ${entry.reason}`,
  );
};

/** A failure as the run's end says it: its message (`[factorkit] ` dropped), and whether the configuration is at fault. */
const failureOf = (error: unknown, config: boolean) => ({
  message: error instanceof Error ? error.message.replace(/^\[factorkit\] /, '') : String(error),
  config,
});

/**
 * What a record of the source comes to: null when an earlier run did it (passed over), a refusal
 * when its user id came earlier in this source, else the record with its journal digest. Every
 * record's user counts as met, those an earlier run did too.
 */
function toImport(journal: ImportJournal, seen: SeenUsers, record: SourceRecord): Read | null {
  const userId = 'refused' in record ? undefined : (record.user as { userId?: unknown }).userId;
  if (typeof userId === 'string' && seen.repeated(userId))
    return { digest: null, record: { position: record.position, userId, refused: REPEATED_USER } };
  const digest = 'refused' in record ? null : journal.digestOf(record.user);
  return journal.takeDone(digest) ? null : { digest, record };
}

/**
 * Goes through the source in batches of `batch` records, with up to `concurrency` records in
 * flight, passing over what the journal says an earlier run did (found by the record's digest,
 * wherever it now is in the source), recording each outcome as its batch finishes, and saying the
 * first refusals and skips as they happen (all go to the list). Ctrl-C (the signal) stops taking
 * records and lets the batches in flight finish (a batch not yet sent is left for the next run); an
 * outage stops it the same way and is reported.
 */
export async function runImport(o: RunOptions): Promise<RunEnd> {
  const inFlight = new Set<Promise<void>>();
  const batchesAtOnce = Math.max(1, Math.ceil(o.concurrency / o.batch));
  let failure: { message: string; config: boolean } | null = null;
  let pending: Read[] = [];
  let undecided = 0;
  const settle = (entries: Finished[]) => {
    o.journal.record(entries);
    o.progress.tick(entries.length);
    for (const entry of entries) {
      if (entry.reason === 'kept-changing') undecided++;
      if (entry.outcome !== 'refused' && entry.outcome !== 'skipped') continue;
      if (o.refusals.add(describe(entry))) o.progress.say(describe(entry));
      else if (o.refusals.count === REFUSALS_SHOWN + 1)
        o.progress.say(`more refusals and skips: listed in ${o.refusals.path}`);
    }
  };
  const send = async () => {
    const batch = pending;
    pending = [];
    const task = importBatch(o, batch)
      .then(settle)
      .catch((error: unknown) => {
        failure ??= failureOf(error, error instanceof FactorkitError && error.code === 'CONFIG');
      })
      .finally(() => inFlight.delete(task));
    inFlight.add(task);
    if (inFlight.size >= batchesAtOnce) await Promise.race(inFlight);
  };
  const seen = new SeenUsers();
  try {
    for await (const record of o.records) {
      if (failure !== null || o.signal.aborted) break;
      const read = toImport(o.journal, seen, record);
      if (read === null) {
        o.progress.pass();
        continue;
      }
      pending.push(read);
      if (pending.length >= o.batch) await send();
    }
  } catch (error) {
    // The source itself failed: not of its format (a CSV without its header), or unreadable.
    const code = error instanceof FactorkitError ? error.code : null;
    failure ??= failureOf(error, code === 'CONFIG' || code === 'INVALID_INPUT');
  }
  if (pending.length > 0 && failure === null && !o.signal.aborted) await send();
  await Promise.all(inFlight);
  // Set by the batches' callbacks, which the compiler does not follow.
  const failed = failure as { message: string; config: boolean } | null;
  if (failed !== null) return { kind: 'failed', ...failed };
  return o.signal.aborted ? { kind: 'interrupted' } : { kind: 'complete', undecided };
}
