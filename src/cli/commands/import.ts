import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { Keyring, keysFromEnv } from '../../entries/index.js';
import type { CliIo, Command } from '../command.js';
import { EXIT, type ExitCode, UsageError } from '../exit-codes.js';
import { type ImportFacadeSettings, importFacade } from '../import-facade.js';
import { ImportJournal, type OutcomeCounts } from '../import-journal.js';
import { type RunEnd, runImport } from '../import-run.js';
import { openSource, SOURCES } from '../import-source.js';
import { inThread, workerImporter } from '../import-workers.js';
import { openTwoFactor, storeFlag } from '../open-two-factor.js';
import { count, createProgress } from '../progress.js';
import { RefusalList } from '../refusal-list.js';

/** The final report, one line per outcome: what a script reads from stdout. */
function report(counts: OutcomeCounts, dryRun: boolean): string {
  const would = dryRun ? 'would be ' : '';
  return [
    `${would}imported: ${counts.imported}`,
    `${would}replaced: ${counts.replaced}`,
    `already imported: ${counts.unchanged}`,
    `skipped (enrolled or changed in factorkit): ${counts.skipped}`,
    `refused: ${counts.refused}`,
    '',
  ].join('\n');
}

/** Where the resume journal of this source into this store lives, unless `--journal` says. */
const journalPath = (from: string, source: string, store: string) =>
  resolve(
    `.factorkit-import-${createHash('sha256').update(`${from}\0${source}\0${store}`).digest('hex').slice(0, 12)}.jsonl`,
  );

/** Closes the journal as the run ended (removed once the whole source went through) and picks the exit code. */
function finish(end: RunEnd, journal: ImportJournal, io: CliIo): ExitCode {
  if (end.kind === 'interrupted') {
    journal.close(false);
    io.err('interrupted: nothing is lost; run the same command again to go on\n');
    return EXIT.interrupted;
  }
  if (end.kind === 'failed') {
    journal.close(false);
    const next = end.config
      ? 'change the configuration, then run the same command again to go on'
      : 'run the same command again to go on';
    io.err(`stopped: ${end.message}\nwhat was imported is kept; ${next}\n`);
    return end.config ? EXIT.config : EXIT.failed;
  }
  if (end.undecided > 0) {
    // Not journaled (skips never are): the next run decides them again, and passes over the rest.
    journal.close(false);
    io.err(
      `${count(end.undecided)} users changed in factorkit at every attempt (a sign-in or a setup at that moment): run the same command again to decide them\n`,
    );
    return EXIT.failed;
  }
  journal.close(true);
  const gone = journal.gone();
  if (gone > 0)
    io.err(
      `${gone} records an earlier run imported are no longer in the source as they were (removed or changed since): those users stay as imported\n`,
    );
  return journal.counts.refused > 0 ? EXIT.failed : EXIT.ok;
}

/** Where the full list of refusals and skips goes when there are more than the report shows: beside the journal. */
const refusalsPath = (journal: string) => `${journal.replace(/\.jsonl$/, '')}.refused.txt`;

function wholeNumber(value: unknown, name: string, fallback: number, least = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < least || n > 256)
    throw new UsageError(`--${name} must be a whole number from ${least} to 256`);
  return n;
}

/**
 * Below this many users an import prepares them on the main thread by default: starting a worker
 * costs more than it saves (about 5,000 users a second on one core).
 */
const WORKERS_FROM_USERS = 5_000;

/**
 * `--workers` by default: one per core but two, at most four. A worker costs CPU of its own (a
 * user's preparation and its messages, and into a server store the commit's client work: more in
 * all than a user's CPU on the main thread alone), so it pays only on a core nothing else needs: one
 * core is the main thread's (it reads, dispatches and keeps the journal; into SQLite it writes) and
 * one a store server's on the same machine. On two cores the main thread alone was faster into Redis
 * and PostgreSQL, with workers that prepare and with workers that commit (docs/testing.md); none
 * for a small import either.
 */
function defaultWorkers(total: number | null): number {
  const cores = availableParallelism();
  if (cores < 3 || (total !== null && total < WORKERS_FROM_USERS)) return 0;
  return Math.min(4, cores - 2);
}

/** `npx factorkit import`: another system's 2FA enrolments into a factorkit store (docs/migration.md). */
export const importCommand: Command = {
  name: 'import',
  summary: "import users' 2FA enrolments from better-auth, django-otp, otplib-style apps or JSONL",
  help: [
    "Reads another system's 2FA enrolments and imports each user with importUser (factorkit/import):",
    'validated, secrets sealed with FACTORKIT_KEY, one atomic commit per user. A user already enrolled in',
    'factorkit is skipped (--replace to overwrite); importing again changes nothing.',
    '',
    '  npx factorkit import --from better-auth --database-url sqlite:./app.db --store sqlite:./2fa.db',
    '  npx factorkit import --from jsonl users.jsonl --store postgres://localhost/app',
    '',
    `Sources: ${SOURCES.join(', ')} (docs/migration.md). better-auth's data opens with BETTER_AUTH_SECRET`,
    '(or BETTER_AUTH_SECRETS), read from the environment as better-auth reads it.',
    '',
    'Ctrl-C (or a crash) loses nothing: run the same command again and it goes on where it stopped (a',
    'journal in the current folder, removed when a run completes; it names records by a keyed digest,',
    'so the source may gain and lose users between runs). The first refusals and skips are said as',
    'they happen (the field at fault, never a secret); the report goes to stdout at the end: the counts,',
    'then each refusal and skip with its reason (past 20, in a file it names). Exit 0 when every record',
    'was imported or already there, 1 when any was refused or the store failed, 3 for a configuration',
    'error. --dry-run writes nothing (a store that does not exist yet counts as empty).',
  ].join('\n'),
  positionals: '[file]',
  flags: {
    from: { type: 'string', description: `the source: ${SOURCES.join(' | ')}` },
    ...storeFlag,
    'database-url': {
      type: 'string',
      description: "better-auth's database: sqlite:./app.db or postgres://...",
    },
    'dry-run': { type: 'boolean', description: 'validate and report, write nothing' },
    replace: { type: 'boolean', description: 'replace users already enrolled in factorkit' },
    concurrency: { type: 'string', description: 'users imported at once (default 32)' },
    batch: { type: 'string', description: 'users written per store call (default 16)' },
    workers: {
      type: 'string',
      description:
        'threads importing users, each with its own connection to a server store (default: cores - 2, up to 4; 0 below 5,000 users)',
    },
    journal: {
      type: 'string',
      description: 'the resume journal file (default: derived, in the current folder)',
    },
    restart: { type: 'boolean', description: 'forget an interrupted run and start from the beginning' },
    'backup-codes': {
      type: 'string',
      description: 'store codes hashed (default) or viewable, as your policy says',
    },
    'rp-id': { type: 'string', description: "security keys' relying party id, when the source has none" },
    origin: { type: 'string', description: "security keys' origin, when the source has none" },
    'source-digits': { type: 'string', description: "better-auth's totpOptions.digits (default 6)" },
    'source-period': { type: 'string', description: "better-auth's totpOptions.period (default 30)" },
    'email-otp': {
      type: 'boolean',
      description: "better-auth sent codes by email (otpOptions.sendOTP): import each 2FA user's address",
    },
  },
  async run(flags, positionals, io) {
    const from = flags['from'];
    if (typeof from !== 'string') throw new UsageError(`--from is required: ${SOURCES.join(', ')}`);
    const concurrency = wholeNumber(flags['concurrency'], 'concurrency', 32);
    const batch = wholeNumber(flags['batch'], 'batch', 16);
    const workersFlag =
      flags['workers'] === undefined ? null : wholeNumber(flags['workers'], 'workers', 0, 0);
    const storage = flags['backup-codes'];
    if (storage !== undefined && storage !== 'hashed' && storage !== 'viewable')
      throw new UsageError('--backup-codes must be hashed or viewable');
    const dryRun = flags['dry-run'] === true;
    const text = (name: string) => (typeof flags[name] === 'string' ? flags[name] : undefined);
    const settings: ImportFacadeSettings = { storage, rpId: text('rp-id'), origin: text('origin') };
    // Loaded before the source opens, so that a missing security-key peer leaves nothing open.
    const facade = await importFacade(settings);
    const source = await openSource(from, positionals, flags, io.env);
    const workers = workersFlag ?? defaultWorkers(source.total);
    const absent = dryRun ? 'empty' : 'create';
    const { tf, opened, close } = await openTwoFactor(flags, io, { absent, facade }).catch(
      async (error: unknown) => {
        await source.close();
        throw error;
      },
    );
    const path =
      typeof flags['journal'] === 'string' ? flags['journal'] : journalPath(from, source.name, opened.where);
    const refusals = new RefusalList(refusalsPath(path));
    // Workers write their own batches to a server store; into SQLite (one writer) or a store that
    // is not there yet (a dry run's stand-in), this thread writes what they prepared.
    const workersWrite = opened.server && opened.absent !== true;
    const importer =
      workers > 0
        ? workerImporter(workers, io.env, settings, tf, workersWrite ? String(flags['store']) : null)
        : inThread(tf);
    try {
      // A dry run neither reads a journal (it checks every record) nor writes or removes one.
      const journal = dryRun
        ? ImportJournal.none()
        : await ImportJournal.open(path, new Keyring(keysFromEnv(io.env)), {
            restart: flags['restart'] === true,
          });
      if (opened.absent)
        io.err(`dry run: ${opened.where} holds no factorkit store yet: checking as into an empty one\n`);
      if (journal.resumed > 0)
        io.err(`resuming: ${journal.resumed} records were done by an earlier run (${path})\n`);
      const progress = createProgress(io, { total: source.total, unit: 'users' });
      const end = await runImport({
        importer,
        records: source.records,
        journal,
        refusals,
        progress,
        concurrency,
        batch,
        replace: flags['replace'] === true,
        dryRun,
        signal: io.signal,
      });
      progress.end();
      io.out(`${report(journal.counts, dryRun)}${refusals.report()}`);
      if (dryRun) io.err('dry run: nothing was written\n');
      return finish(end, journal, io);
    } finally {
      refusals.close();
      await importer.close();
      await source.close();
      await close();
    }
  },
};
