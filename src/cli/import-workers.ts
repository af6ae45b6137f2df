import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type ImportOptions, type PreparedUser, prepareUsers } from '../entries/import.js';
import { FactorkitError, type TwoFactor } from '../entries/index.js';
import type { CliIo } from './command.js';
import type { ImportFacadeSettings } from './import-facade.js';

/** Validates and seals users before the main thread writes them: on this thread or on workers. */
export interface Preparer {
  prepare(users: readonly unknown[], options: ImportOptions): Promise<PreparedUser[]>;
  close(): Promise<void>;
}

/** What a worker builds its facade from: the keys' variables (in memory: never argv, never disk) and the settings. */
export interface WorkerSetup {
  env: Record<string, string | undefined>;
  settings: ImportFacadeSettings;
}
export type PrepareRequest = { id: number; users: readonly unknown[]; options: ImportOptions };
/** A worker's answer: the users prepared, or why it could not (`config`: the facade's settings, which no run gets past). */
export type PrepareReply =
  | { id: number; results: PreparedUser[] }
  | { id: number; error: string; config: boolean };

/** The variables `keysFromEnv` reads: all a worker is given of the environment. */
const KEY_VARIABLES = ['FACTORKIT_KEY', 'FACTORKIT_OLD_KEYS'];

/** Preparation on the main thread (`--workers 0`, and small imports). */
export const inThread = (tf: TwoFactor): Preparer => ({
  prepare: (users, options) => prepareUsers(tf, users, options),
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

type Waiting = { resolve(results: PreparedUser[]): void; reject(error: Error): void };

/**
 * `count` workers, each batch to the one with the fewest waiting. A worker that fails or exits
 * fails every batch waiting and every later one: the run stops as on an outage (nothing is lost).
 */
export function workerPreparer(count: number, env: CliIo['env'], settings: ImportFacadeSettings): Preparer {
  const setup: WorkerSetup = {
    env: Object.fromEntries(KEY_VARIABLES.map((name) => [name, env[name]])),
    settings,
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
    worker.on('message', (reply: PrepareReply) => {
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
      else entry.resolve(reply.results);
    });
    worker.on('error', (error) => fail(new Error(`an import worker failed: ${error.message}`)));
    worker.on('exit', (code) => fail(new Error(`an import worker stopped (exit code ${code})`)));
  }
  return {
    prepare(users, options) {
      if (broken) return Promise.reject(broken);
      const [worker] = [...load.entries()].sort((a, b) => a[1] - b[1])[0]!;
      const id = nextId++;
      load.set(worker, (load.get(worker) ?? 0) + 1);
      return new Promise<PreparedUser[]>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, users, options } satisfies PrepareRequest);
      });
    },
    async close() {
      closing = true;
      await Promise.all([...load.keys()].map((worker) => worker.terminate()));
    },
  };
}
