import { FactorkitError } from '../../core/errors.js';
import type { Fields } from '../../store/store.js';
import { bcryptEntries } from './foreign-codes.js';

type Bcrypt = Pick<typeof import('bcryptjs'), 'compare'>;

let loading: Promise<Bcrypt> | null = null;

/**
 * bcryptjs, a dependency (pure JavaScript, no native build), loaded the first time an imported
 * bcrypt code is checked: apps that never import such codes never load it. A plain dependency, not
 * an optional peer, so every bundler resolves it.
 */
function bcryptLibrary(): Promise<Bcrypt> {
  loading ??= import('bcryptjs').then((module) => ({ compare: module.compare }));
  return loading;
}

/** The checks waiting or running: one at a time in the process (see {@link findBcryptCode}). */
let queue: Promise<unknown> = Promise.resolve();

/**
 * The field of the bcrypt-hashed code `typed` is (with `pepper` appended, as Devise hashes them),
 * or null. A bcrypt compare costs tens of milliseconds of CPU, ten codes per guess: bcryptjs's
 * asynchronous compare yields to the event loop between rounds, the checks run one at a time in
 * the process (a flood of wrong codes delays only other imported-code checks, never logins with
 * an app or factorkit's own codes), the search stops at the first match, and the attempt limiter
 * has counted the guess before any hash is computed.
 */
export function findBcryptCode(record: Fields, typed: string, pepper: string): Promise<string | null> {
  const run = queue.then(async () => {
    const bcrypt = await bcryptLibrary().catch((cause: unknown) => {
      loading = null;
      throw new FactorkitError('BUG', 'bcryptjs, a dependency of factorkit, could not be loaded', { cause });
    });
    for (const [field, hash] of bcryptEntries(record)) {
      if (await bcrypt.compare(typed + pepper, hash)) return field;
    }
    return null;
  });
  queue = run.catch(() => undefined);
  return run;
}
