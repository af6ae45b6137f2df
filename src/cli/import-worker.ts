/**
 * A worker thread of `npx factorkit import --workers`, with a facade of the same keys and settings
 * as the main thread's. Into Redis, a Redis Cluster or PostgreSQL it opens its own connection to the
 * store and imports its batches whole (validation, seals, each user's atomic commit, the decision
 * for a user the store has, events), posting back what became of each user. Into SQLite (one
 * writer) it holds no store: it validates and seals (`prepareUsers`) and posts back sealed secrets
 * only, for the main thread to write. Built as its own entry (dist/import-worker.js).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { prepareUsers } from '../entries/import.js';
import { FactorkitError, keysFromEnv, MemoryStore } from '../entries/index.js';
import { importFacade } from './import-facade.js';
import { importHere } from './import-outcome.js';
import type { WorkerReply, WorkerRequest, WorkerSetup } from './import-workers.js';
import { openStore } from './open-store.js';
import { cliTwoFactor } from './open-two-factor.js';

const setup = workerData as WorkerSetup;
const port = parentPort;
if (port) {
  // The main thread opened (and made) the store already: this is a second connection to it.
  const opened = setup.storeUrl === null ? Promise.resolve(null) : openStore(setup.storeUrl);
  const facade = Promise.all([importFacade(setup.settings), opened]).then(([extras, store]) =>
    cliTwoFactor(store?.store ?? new MemoryStore(), keysFromEnv(setup.env), extras),
  );
  facade.catch(() => undefined); // said to each batch, not as a crash of the thread
  const close = () =>
    opened
      .then((store) => store?.close())
      .catch(() => undefined)
      .finally(() => port.close());
  port.on('message', (request: WorkerRequest) => {
    if ('close' in request) return void close();
    const { id, users, options } = request;
    const reply = (message: WorkerReply) => port.postMessage(message);
    facade
      .then(
        async (tf): Promise<WorkerReply> =>
          setup.storeUrl === null
            ? { id, results: await prepareUsers(tf, users, options) }
            : { id, outcomes: await importHere(tf, users, options) },
      )
      .then(reply, (error: unknown) =>
        reply({
          id,
          error: error instanceof Error ? error.message : String(error),
          config: error instanceof FactorkitError && error.code === 'CONFIG',
        }),
      );
  });
}
