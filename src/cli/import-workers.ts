import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ImportOptions, PreparedUser } from '../entries/import.js';
import { FactorkitError, type TwoFactor } from '../entries/index.js';
import type { CliIo } from './command.js';
import type { ImportFacadeSettings } from './import-facade.js';
import { importHere, type UserOutcome } from './import-outcome.js';

/** Imports batches of users: on this thread, or on worker threads. */
export interface Importer {
  /** What became of each user of the batch, in order, once their commits answered. */
  importBatch(users: readonly unknown[], options: ImportOptions): Promise<UserOutcome[]>;
  close(): Promise<void>;
}

/**
 * What a worker builds its facade from: the keys' variables (in memory: never argv, never disk),
 * the settings, and the `--store` URL when it writes its own batches (null: it prepares them and
 * the main thread writes).
 */
export interface WorkerSetup {
  env: Record<string, string | undefined>;
  settings: ImportFacadeSettings;
  storeUrl: string | null;
}
/** A batch to import, or the end of the run (the worker closes its store and exits). */
export type WorkerRequest =
  | { id: number; users: readonly unknown[]; options: ImportOptions }
  | { close: true };
/**
 * A worker's answer: the users prepared (for the main thread to write), what became of each (it
 * wrote them), or why it could not (`config`: the facade's settings, which no run gets past).
 */
export type WorkerReply =
  | { id: number; results: PreparedUser[] }
  | { id: number; outcomes: UserOutcome[] }
  | { id: number; error: string; config: boolean };

/** The variables `keysFromEnv` reads: all a worker is given of the environment. */
const KEY_VARIABLES = ['FACTORKIT_KEY', 'FACTORKIT_OLD_KEYS'];

/** How long a worker has to close its store connection at the end before it is stopped. */
const CLOSE_MS = 5_000;

/** The whole import on the main thread (`--workers 0`, and small imports). */
export const inThread = (tf: TwoFactor): Importer => ({
  importBatch: (users, options) => importHere(tf, users, options),
  close: async () => undefined,
});

/**
 * A worker from the built package's own entry (dist/import-worker.js) or, run from source (the
 * tests, the bench), its TypeScript loaded through tsx, a dev dependency.
 */
function startWorker(setup: WorkerSetup): Worker {
  const built = new URL('./import-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(built))) return new Worker(built, { workerData: setup });
  const source = new URL('./import-worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); })`;
  return new Worker(boot, { eval: true, workerData: setup });
}

type Answer = Exclude<WorkerReply, { error: string }>;
type Waiting = { resolve(answer: Answer): void; reject(error: Error): void };

/** Asks the worker to close its store and waits for it to exit; one that does not in time is stopped. */
async function closeWorker(worker: Worker): Promise<void> {
  if (worker.threadId < 0) return; // already exited (Node sets -1)
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.postMessage({ close: true } satisfies WorkerRequest);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), CLOSE_MS);
  });
  if ((await Promise.race([exited, late])) === 'late') await worker.terminate();
  clearTimeout(timer);
}

/**
 * `count` workers, each batch to the one with the fewest waiting. With `storeUrl` (Redis, a Redis
 * Cluster, PostgreSQL) each opens its own connection and imports its batches whole, answering what
 * became of each user; without (SQLite takes one writer) they validate and seal, and `tf` writes on
 * this thread. A worker that fails or exits fails every batch waiting and every later one: the run
 * stops as on an outage (nothing is lost).
 */
export function workerImporter(
  count: number,
  env: CliIo['env'],
  settings: ImportFacadeSettings,
  tf: TwoFactor,
  storeUrl: string | null,
): Importer {
  const setup: WorkerSetup = {
    env: Object.fromEntries(KEY_VARIABLES.map((name) => [name, env[name]])),
    settings,
    storeUrl,
  };
  const waiting = new Map<number, Waiting>();
  const load = new Map<Worker, number>();
  let broken: Error | null = null;
  let closing = false;
  let nextId = 0;
  const fail = (error: Error) => {
    if (closing) return;
    broken ??= error;
    for (const entry of waiting.values()) entry.reject(broken);
    waiting.clear();
  };
  for (let i = 0; i < count; i++) {
    const worker = startWorker(setup);
    load.set(worker, 0);
    worker.on('message', (reply: WorkerReply) => {
      const entry = waiting.get(reply.id);
      if (!entry) return;
      waiting.delete(reply.id);
      load.set(worker, (load.get(worker) ?? 1) - 1);
      if ('error' in reply)
        entry.reject(
          reply.config
            ? new FactorkitError('CONFIG', reply.error.replace(/^\[factorkit\] /, ''))
            : new Error(reply.error),
        );
      else entry.resolve(reply);
    });
    worker.on('error', (error) => fail(new Error(`an import worker failed: ${error.message}`)));
    worker.on('exit', (code) => fail(new Error(`an import worker stopped (exit code ${code})`)));
  }
  const ask = (users: readonly unknown[], options: ImportOptions) => {
    if (broken) return Promise.reject(broken);
    const [worker] = [...load.entries()].sort((a, b) => a[1] - b[1])[0]!;
    const id = nextId++;
    load.set(worker, (load.get(worker) ?? 0) + 1);
    return new Promise<Answer>((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      worker.postMessage({ id, users, options } satisfies WorkerRequest);
    });
  };
  return {
    async importBatch(users, options) {
      const answer = await ask(users, options);
      return 'outcomes' in answer ? answer.outcomes : importHere(tf, users, options, answer.results);
    },
    async close() {
      closing = true;
      await Promise.all([...load.keys()].map(closeWorker));
    },
  };
}
