/**
 * A worker thread of `npx factorkit import --workers`: validates and seals batches of users
 * (`prepareUsers`) with a facade of the same keys and settings as the main thread's, which writes
 * them. Built as its own entry (dist/import-worker.js). It holds no store: its facade's memory
 * store is never written, and what it posts back carries sealed secrets only.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { prepareUsers } from '../entries/import.js';
import { FactorkitError, keysFromEnv, MemoryStore } from '../entries/index.js';
import { importFacade } from './import-facade.js';
import type { PrepareReply, PrepareRequest, WorkerSetup } from './import-workers.js';
import { cliTwoFactor } from './open-two-factor.js';

const setup = workerData as WorkerSetup;
const port = parentPort;
if (port) {
  const facade = importFacade(setup.settings).then((extras) =>
    cliTwoFactor(new MemoryStore(), keysFromEnv(setup.env), extras),
  );
  port.on('message', (request: PrepareRequest) => {
    const reply = (message: PrepareReply) => port.postMessage(message);
    facade
      .then((tf) => prepareUsers(tf, request.users, request.options))
      .then(
        (results) => reply({ id: request.id, results }),
        (error: unknown) =>
          reply({
            id: request.id,
            error: error instanceof Error ? error.message : String(error),
            config: error instanceof FactorkitError && error.code === 'CONFIG',
          }),
      );
  });
}
