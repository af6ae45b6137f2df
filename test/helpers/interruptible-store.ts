import type { Store } from '../../src/store/store.js';

/**
 * `store`, with work run between two of its commits: how a test lands a change between an
 * operation's round trips (a session ended between a verify's attempt and its success commit), or
 * makes concurrent operations overlap for sure (each one's first commit held until all are there).
 */
export function interruptibleStore(store: Store) {
  let between: (() => Promise<unknown>) | null = null;
  return {
    /** Runs `work` between the next commit and the one after it (an attempt's and its success's). */
    afterNextCommit(work: () => Promise<unknown>) {
      // Taken by the next commit, it leaves `work` for the one after (whose own calls pass through).
      between = async () => {
        between = work;
      };
    },
    /**
     * Holds each of the next `count` commits until all `count` have come (or `timeoutMs` passed):
     * `count` concurrent verifies have all taken their attempt before any success commit is made.
     */
    gatherCommits(count: number, timeoutMs = 2000) {
      let arrived = 0;
      let release: () => void = () => undefined;
      const all = new Promise<void>((resolve) => {
        release = resolve;
        setTimeout(resolve, timeoutMs).unref();
      });
      const gather = async () => {
        arrived++;
        if (arrived < count) between = gather;
        else release();
        await all;
      };
      between = gather;
    },
    store: {
      get: (key, now) => store.get(key, now),
      getMany: (keys, now) => store.getMany(keys, now),
      async commit(ops, now, read) {
        const work = between;
        between = null;
        if (work) await work();
        return store.commit(ops, now, read);
      },
    } satisfies Store,
  };
}
