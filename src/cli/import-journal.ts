import { hash } from 'node:crypto';
import { closeSync, createReadStream, existsSync, openSync, rmSync, writeSync } from 'node:fs';
import { linesOf } from '../entries/import.js';
import type { Keyring } from '../entries/index.js';
import { DIGEST_BYTES, DigestSet } from './digest-set.js';

/** What became of one record of the source. */
export type Outcome = 'imported' | 'replaced' | 'unchanged' | 'skipped' | 'refused';

/** The outcomes that make a record done: a resume does not try it again. */
const DONE = ['imported', 'replaced', 'unchanged'] as const;

/**
 * One finished record: its digest (null for a record that is no user, which is never done), its
 * position in this run's source, outcome, user and reason.
 */
export interface Finished {
  digest: Uint8Array | null;
  position: string;
  outcome: Outcome;
  userId?: string | undefined;
  reason?: string | undefined;
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
 * The resume journal of an import: one line per record done (imported, replaced or already
 * there), appended as each batch commits, so a Ctrl-C or a crash loses nothing. A line names the
 * record by a keyed digest of its content (`{"d":"<digest>","o":"imported"}`), not by its place in
 * the source: a live database gains and loses users between two runs, and a record that moved is
 * still found done while a new or changed one is imported. A resume holds the digests in a
 * {@link DigestSet} (about 16 to 32 bytes a record). Refusals and skips are not journaled: a resume
 * decides them again (cheap, and the final report then lists every one with its current line).
 * A record whose commit landed but whose line did not (a crash between the two) is imported again
 * as `unchanged`: imports are idempotent. Removed when a run goes through the whole source.
 */
export class ImportJournal {
  /** What became of the records of this source: done ones met again, and this run's. */
  readonly counts: OutcomeCounts = noCounts();
  private readonly done = new DigestSet();
  /** The file, opened for appending on the first record (one open for the whole run). */
  private fd: number | null = null;

  private constructor(
    /** Null for a dry run: no journal is read or written. */
    readonly path: string | null,
    /**
     * The secret the records' digests start with, from the application key (null: no digests). A
     * keyed prefix, not an HMAC: the digest names a record and proves nothing, and one SHA-256 is
     * about a third of an HMAC's cost per record.
     */
    private readonly digestKey: string | null,
  ) {}

  /** No journal: a dry run neither reads one (it checks every record) nor writes one, nor removes one. */
  static none(): ImportJournal {
    return new ImportJournal(null, null);
  }

  /**
   * Opens (and reads back) the journal at `path`. Digests are keyed by the current application key,
   * so the journal tells nothing about the records' content; after a key change none matches and
   * every record is imported again (as `unchanged`: nothing twice).
   */
  static async open(path: string, keyring: Keyring, options: { restart: boolean }): Promise<ImportJournal> {
    const journal = new ImportJournal(path, keyring.hash('record digests', 'import-journal'));
    if (options.restart) rmSync(path, { force: true });
    if (!existsSync(path)) return journal;
    for await (const line of linesOf(createReadStream(path))) {
      const entry = lineEntry(line);
      // A line cut by a crash: that record is simply done again.
      if (entry) journal.done.add(entry.digest, DONE.indexOf(entry.outcome) + 1);
    }
    return journal;
  }

  /** Records done by an earlier run. */
  get resumed(): number {
    return this.done.size;
  }

  /** The keyed digest of a record's user, or null without a journal (or for a value JSON cannot write). */
  digestOf(user: unknown): Uint8Array | null {
    if (this.digestKey === null) return null;
    let text: string;
    try {
      text = JSON.stringify(user);
    } catch {
      return null; // never done: decided again at each run
    }
    return hash('sha256', `${this.digestKey}\0${text}`, 'buffer').subarray(0, DIGEST_BYTES);
  }

  /**
   * Whether the record of `digest` was done by an earlier run (it is counted now, once: the same
   * record twice in the source is decided again the second time).
   */
  takeDone(digest: Uint8Array | null): boolean {
    const value = digest === null ? 0 : this.done.take(digest);
    if (value === 0) return false;
    this.counts[DONE[value - 1]!]++;
    return true;
  }

  /** Records done by an earlier run that this run's source no longer holds (removed, or changed). */
  gone(): number {
    return this.done.untaken();
  }

  /**
   * Counts `entries` (a batch the store committed together) and journals the done ones: one write
   * for all, no buffering, so what the store committed is in the journal before the next batch is
   * read. A crash that cuts the write leaves whole lines and at most one cut line.
   */
  record(entries: readonly Finished[]): void {
    for (const entry of entries) this.counts[entry.outcome]++;
    if (this.path === null) return;
    const lines = entries.flatMap((entry) =>
      entry.digest !== null && (DONE as readonly Outcome[]).includes(entry.outcome)
        ? [`{"d":"${Buffer.from(entry.digest).toString('base64url')}","o":"${entry.outcome}"}\n`]
        : [],
    );
    if (lines.length === 0) return;
    this.fd ??= openSync(this.path, 'a', 0o600);
    writeSync(this.fd, lines.join(''));
  }

  /** Closes the file; `complete`: the whole source went through, so nothing is left to resume. */
  close(complete: boolean): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    if (complete && this.path !== null) rmSync(this.path, { force: true });
  }
}

/** A journal line read back, or null for one cut by a crash (or of another format). */
function lineEntry(line: string): { digest: Uint8Array; outcome: (typeof DONE)[number] } | null {
  let entry: { d?: unknown; o?: unknown };
  try {
    entry = JSON.parse(line) as typeof entry;
  } catch {
    return null;
  }
  const digest = typeof entry.d === 'string' ? Buffer.from(entry.d, 'base64url') : null;
  const outcome = DONE.find((done) => done === entry.o);
  return digest?.length === DIGEST_BYTES && outcome ? { digest, outcome } : null;
}
