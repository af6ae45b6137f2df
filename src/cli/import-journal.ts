import { closeSync, createReadStream, existsSync, openSync, rmSync, writeSync } from 'node:fs';
import { linesOf } from '../entries/import.js';

/** What became of one record of the source. */
export type Outcome = 'imported' | 'replaced' | 'unchanged' | 'skipped' | 'refused';

/** One finished record, as a journal line: its index in the source, position, outcome, user, reason. */
export interface JournalEntry {
  i: number;
  p: string;
  o: Outcome;
  u?: string | undefined;
  r?: string | undefined;
}

export type OutcomeCounts = Record<Outcome, number>;

export const noCounts = (): OutcomeCounts => ({
  imported: 0,
  replaced: 0,
  unchanged: 0,
  skipped: 0,
  refused: 0,
});

/**
 * The resume journal of an import: one line per finished record, appended as each finishes, so a
 * Ctrl-C or a crash loses nothing and the next run skips what is done. It is read back as a
 * watermark (every index below it is done) plus the few done beyond it (records finish out of order
 * only within the concurrency), so memory stays flat whatever the size of the source. A record whose
 * commit landed but whose line did not (a crash between the two) is imported again as `unchanged`:
 * imports are idempotent. Removed when a run goes through the whole source.
 */
export class ImportJournal {
  readonly counts: OutcomeCounts = noCounts();
  /** Records done in an earlier run. */
  resumed = 0;
  private watermark = 0;
  private readonly beyond = new Set<number>();
  /** The file, opened for appending on the first record (one open for the whole run). */
  private fd: number | null = null;

  private constructor(
    readonly path: string,
    private readonly write: boolean,
  ) {}

  /** Opens (and reads back) the journal at `path`; `write: false` for a dry run, which keeps none. */
  static async open(path: string, options: { write: boolean; restart: boolean }): Promise<ImportJournal> {
    const journal = new ImportJournal(path, options.write);
    if (options.restart) rmSync(path, { force: true });
    if (!existsSync(path)) return journal;
    for await (const line of linesOf(createReadStream(path))) {
      let entry: JournalEntry;
      try {
        entry = JSON.parse(line) as JournalEntry;
      } catch {
        continue; // a line cut by a crash: that record is simply done again
      }
      if (typeof entry.i !== 'number' || !(entry.o in journal.counts)) continue;
      journal.mark(entry);
      journal.resumed++;
    }
    return journal;
  }

  /** Whether record `index` finished in an earlier run (or this one). */
  isDone(index: number): boolean {
    return index < this.watermark || this.beyond.has(index);
  }

  /**
   * Records that `entries` finished (a batch the store committed together): one write for all, no
   * buffering, so what the store committed is in the journal before the next batch is read. A crash
   * that cuts the write leaves whole lines and at most one cut line, whose record is done again.
   */
  record(entries: readonly JournalEntry[]): void {
    if (entries.length === 0) return;
    if (this.write) {
      this.fd ??= openSync(this.path, 'a', 0o600);
      writeSync(this.fd, entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
    }
    for (const entry of entries) this.mark(entry);
  }

  /** Closes the file; `complete`: the whole source went through, so nothing is left to resume. */
  close(complete: boolean): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    if (complete) rmSync(this.path, { force: true });
  }

  private mark(entry: JournalEntry): void {
    if (this.isDone(entry.i)) return;
    this.counts[entry.o]++;
    this.beyond.add(entry.i);
    while (this.beyond.delete(this.watermark)) this.watermark++;
  }
}
