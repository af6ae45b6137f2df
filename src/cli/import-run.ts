import { importUser, type SourceRecord } from '../entries/import.js';
import { FactorkitError, type TwoFactor } from '../entries/index.js';
import type { ImportJournal, JournalEntry } from './import-journal.js';
import type { createProgress } from './progress.js';

/** What a run did: it went through the whole source, was interrupted, or failed (a store outage). */
export type RunEnd = { kind: 'complete' } | { kind: 'interrupted' } | { kind: 'failed'; message: string };

interface RunOptions {
  tf: TwoFactor;
  records: AsyncIterable<SourceRecord>;
  journal: ImportJournal;
  progress: ReturnType<typeof createProgress>;
  concurrency: number;
  replace: boolean;
  dryRun: boolean;
  signal: AbortSignal;
}

/** A refusal as a report line: the field and why, never the value (`[factorkit] ` dropped). */
const reasonOf = (error: FactorkitError) => error.message.replace(/^\[factorkit\] /, '');

/** Imports one record; what became of it (a refusal is an outcome, an outage is thrown). */
async function importOne(o: RunOptions, index: number, record: SourceRecord): Promise<JournalEntry> {
  const base = { i: index, p: record.position };
  if ('refused' in record) return { ...base, o: 'refused', u: record.userId, r: record.refused };
  const userId = (record.user as { userId?: unknown }).userId;
  const u = typeof userId === 'string' ? userId : undefined;
  try {
    const result = await importUser(o.tf, record.user as Parameters<typeof importUser>[1], {
      replace: o.replace,
      dryRun: o.dryRun,
    });
    return { ...base, o: result.outcome, u, ...(result.outcome === 'skipped' ? { r: result.reason } : {}) };
  } catch (error) {
    if (error instanceof FactorkitError && error.code === 'INVALID_INPUT')
      return { ...base, o: 'refused', u, r: reasonOf(error) };
    throw error;
  }
}

const describe = (entry: JournalEntry) => {
  const user = entry.u === undefined || entry.p === `user ${entry.u}` ? '' : ` (user ${entry.u})`;
  return `${entry.p}${user}: ${entry.o === 'skipped' ? 'skipped' : 'refused'}: ${entry.r}`;
};

/**
 * Goes through the source with up to `concurrency` imports at once, skipping what the journal says
 * is done, recording each outcome as it finishes, and saying each refusal and skip as it happens.
 * Ctrl-C (the signal) stops taking records and lets those in flight finish; an outage stops it the
 * same way and is reported.
 */
export async function runImport(o: RunOptions): Promise<RunEnd> {
  const inFlight = new Set<Promise<void>>();
  let failure: string | null = null;
  let index = -1;
  const settle = (entry: JournalEntry) => {
    o.journal.record(entry);
    o.progress.tick();
    if (entry.o === 'refused' || entry.o === 'skipped') o.progress.say(describe(entry));
  };
  for await (const record of o.records) {
    index++;
    if (o.journal.isDone(index)) continue;
    if (failure !== null || o.signal.aborted) break;
    const task = importOne(o, index, record)
      .then(settle)
      .catch((error: unknown) => {
        failure ??= error instanceof Error ? error.message.replace(/^\[factorkit\] /, '') : String(error);
      })
      .finally(() => inFlight.delete(task));
    inFlight.add(task);
    if (inFlight.size >= o.concurrency) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  if (failure !== null) return { kind: 'failed', message: failure };
  return o.signal.aborted ? { kind: 'interrupted' } : { kind: 'complete' };
}
