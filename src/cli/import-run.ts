import { importPrepared, type SourceRecord } from '../entries/import.js';
import type { FactorkitError, TwoFactor } from '../entries/index.js';
import type { ImportJournal, JournalEntry } from './import-journal.js';
import type { Preparer } from './import-workers.js';
import type { createProgress } from './progress.js';

/** What a run did: it went through the whole source, was interrupted, or failed (a store outage). */
export type RunEnd = { kind: 'complete' } | { kind: 'interrupted' } | { kind: 'failed'; message: string };

interface RunOptions {
  tf: TwoFactor;
  /** Validates and seals each batch (on worker threads with `--workers`) before this thread writes it. */
  preparer: Preparer;
  records: AsyncIterable<SourceRecord>;
  journal: ImportJournal;
  progress: ReturnType<typeof createProgress>;
  concurrency: number;
  /** Users per store call (`commitEach`); `concurrency` users in flight make several batches. */
  batch: number;
  replace: boolean;
  dryRun: boolean;
  signal: AbortSignal;
}

/** A refusal as a report line: the field and why, never the value (`[factorkit] ` dropped). */
const reasonOf = (error: FactorkitError) => error.message.replace(/^\[factorkit\] /, '');

type Numbered = { index: number; record: SourceRecord };

/** Imports a batch of records in one store call; what became of each (an outage is thrown). */
async function importBatch(o: RunOptions, batch: Numbered[]): Promise<JournalEntry[]> {
  const users = batch.flatMap(({ record }) => ('refused' in record ? [] : [record.user]));
  const options = { replace: o.replace, dryRun: o.dryRun };
  const results = await importPrepared(o.tf, users, await o.preparer.prepare(users, options), options);
  let next = 0;
  return batch.map(({ index, record }): JournalEntry => {
    const base = { i: index, p: record.position };
    if ('refused' in record) return { ...base, o: 'refused', u: record.userId, r: record.refused };
    const userId = (record.user as { userId?: unknown }).userId;
    const u = typeof userId === 'string' ? userId : undefined;
    const result = results[next++]!;
    if (result.status === 'rejected') return { ...base, o: 'refused', u, r: reasonOf(result.reason) };
    const done = result.value;
    return { ...base, o: done.outcome, u, ...(done.outcome === 'skipped' ? { r: done.reason } : {}) };
  });
}

const describe = (entry: JournalEntry) => {
  const user = entry.u === undefined || entry.p === `user ${entry.u}` ? '' : ` (user ${entry.u})`;
  return `${entry.p}${user}: ${entry.o === 'skipped' ? 'skipped' : 'refused'}: ${entry.r}`;
};

/**
 * Goes through the source in batches of `batch` records, with up to `concurrency` records in
 * flight, skipping what the journal says is done, recording each outcome as its batch finishes, and
 * saying each refusal and skip as it happens. Ctrl-C (the signal) stops taking records and lets the
 * batches in flight finish (a batch not yet sent is left for the next run); an outage stops it the
 * same way and is reported.
 */
export async function runImport(o: RunOptions): Promise<RunEnd> {
  const inFlight = new Set<Promise<void>>();
  const batchesAtOnce = Math.max(1, Math.ceil(o.concurrency / o.batch));
  let failure: string | null = null;
  let index = -1;
  let pending: Numbered[] = [];
  const settle = (entries: JournalEntry[]) => {
    o.journal.record(entries);
    o.progress.tick(entries.length);
    for (const entry of entries)
      if (entry.o === 'refused' || entry.o === 'skipped') o.progress.say(describe(entry));
  };
  const send = async () => {
    const batch = pending;
    pending = [];
    const task = importBatch(o, batch)
      .then(settle)
      .catch((error: unknown) => {
        failure ??= error instanceof Error ? error.message.replace(/^\[factorkit\] /, '') : String(error);
      })
      .finally(() => inFlight.delete(task));
    inFlight.add(task);
    if (inFlight.size >= batchesAtOnce) await Promise.race(inFlight);
  };
  for await (const record of o.records) {
    index++;
    if (o.journal.isDone(index)) continue;
    if (failure !== null || o.signal.aborted) break;
    pending.push({ index, record });
    if (pending.length >= o.batch) await send();
  }
  if (pending.length > 0 && failure === null && !o.signal.aborted) await send();
  await Promise.all(inFlight);
  if (failure !== null) return { kind: 'failed', message: failure };
  return o.signal.aborted ? { kind: 'interrupted' } : { kind: 'complete' };
}
