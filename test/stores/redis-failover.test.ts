import { Cluster } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { FactorkitError } from '../../src/core/errors.js';
import { storeKeys } from '../../src/store/keys.js';
import { clusterSlot } from '../../src/stores/redis/redis-slots.js';
import { RedisStore } from '../../src/stores/redis/redis-store.js';
import { enrollTotp, type Harness, makeTwoFactor, startChallenge } from '../helpers/harness.js';
import { startRedisCluster } from '../helpers/redis-cluster.js';
import { servicesRequired } from '../helpers/servers.js';

const USERS = 24;
const PREFIX = 'failover:';
/** The test gives up (and fails) if logins have not come back this long after the kill. */
const RECOVERY_BOUND_MS = 20_000;
const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

/** The port of the master serving `slot`, from `CLUSTER SLOTS`. */
async function masterOfSlot(cluster: Cluster, slot: number): Promise<number> {
  const ranges = await cluster.cluster('SLOTS');
  const master = ranges.find(([from, to]) => from <= slot && slot <= to)?.[2];
  if (!master) throw new Error(`slot ${slot} is not served`);
  return master[1];
}

type Outcome = { at: number; ms: number; replay: boolean } & ({ error: unknown } | { accepted: boolean });

describe('Redis Cluster failover during logins', () => {
  it('a killed master: fails closed, never accepts a code twice, recovers by itself', async () => {
    const own = await startRedisCluster({ nodeTimeoutMs: 1000 });
    if (!own) {
      expect(servicesRequired).toBe(false);
      return;
    }
    cleanups.push(() => own.stop());
    const cluster = new Cluster(own.nodes, {
      scaleReads: 'master', // replicas lag: single use and attempt counts are read on the master
      maxRedirections: 16,
      retryDelayOnFailover: 100,
      retryDelayOnClusterDown: 100,
      retryDelayOnTryAgain: 100,
      enableOfflineQueue: true,
      clusterRetryStrategy: (times) => Math.min(100 * times, 1000),
      redisOptions: { maxRetriesPerRequest: 1, connectTimeout: 500 },
    });
    cluster.on('error', () => undefined);
    cleanups.push(async () => cluster.disconnect());
    const h: Harness = makeTwoFactor(
      new RedisStore({ client: cluster, prefix: PREFIX, commandTimeoutMs: 1500 }),
      {
        policyCacheMs: 5000,
      },
    );
    const users = Array.from({ length: USERS }, (_, i) => `user-${i}`);
    const secrets = new Map<string, string>();
    for (const user of users) secrets.set(user, (await enrollTotp(h, user)).secret);

    const outcomes: Outcome[] = [];
    /** One login: start, then verify `code`; a thrown error is recorded, not raised. */
    const login = async (user: string, code: string, replay: boolean): Promise<boolean | null> => {
      const at = Date.now();
      try {
        const start = await startChallenge(h, user);
        const result = await h.tf.login.verify(start.challengeId, code);
        outcomes.push({ at, ms: Date.now() - at, replay, accepted: result.ok });
        return result.ok;
      } catch (error) {
        outcomes.push({ at, ms: Date.now() - at, replay, error });
        return null;
      }
    };

    const replaysAccepted: string[] = [];
    let previous = new Map<string, string>(); // user -> the code accepted in the previous round
    /** A round: replay last round's codes, log in with this step's code, replay it at once. */
    const round = async (): Promise<boolean> => {
      h.clock.advance(30_000);
      const accepted = new Map<string, string>();
      await Promise.all(
        users.map(async (user) => {
          // First the replay of the last step's code, still inside the verifier's window: only the
          // committed replay floor refuses it. A floor lost in the failover would let it in.
          const old = previous.get(user);
          if (old !== undefined && (await login(user, old, true)))
            replaysAccepted.push(`${user}:${old}:late`);
          const code = h.totp.generateCode(secrets.get(user)!, h.clock.now());
          if (!(await login(user, code, false))) return;
          accepted.set(user, code);
          if (await login(user, code, true)) replaysAccepted.push(`${user}:${code}:at-once`);
        }),
      );
      previous = accepted;
      return accepted.size === users.length;
    };

    const warmUpUntil = Date.now() + 1000;
    while (Date.now() < warmUpUntil) expect(await round()).toBe(true);

    // The master of the policy key: every login.start reads the policy, so this is the worst case.
    const policySlot = clusterSlot(PREFIX + storeKeys.policy());
    const victim = await masterOfSlot(cluster, policySlot);
    const killedAt = Date.now();
    await own.killMaster(victim);
    let recoveredAt: number | null = null;
    let newMaster = victim;
    while (recoveredAt === null && Date.now() - killedAt < RECOVERY_BOUND_MS) {
      if (!(await round())) continue;
      newMaster = await masterOfSlot(cluster, policySlot).catch(() => victim);
      if (newMaster !== victim) recoveredAt = Date.now();
    }

    const failures = outcomes.filter((outcome) => 'error' in outcome);
    const after = outcomes.filter((outcome) => outcome.at >= killedAt && outcome.at < (recoveredAt ?? 0));
    const count = (replay: boolean, kind: 'accepted' | 'refused' | 'failed') =>
      after.filter(
        (o) =>
          o.replay === replay &&
          (kind === 'failed' ? 'error' in o : 'accepted' in o && o.accepted === (kind === 'accepted')),
      ).length;
    console.info(
      `[failover] killed master :${victim} (replica :${newMaster} took over); ` +
        `recovered (a full round of logins) ${(recoveredAt ?? Number.NaN) - killedAt} ms after the kill; ` +
        `${failures.length} logins failed, started from +${Math.min(...failures.map((o) => o.at)) - killedAt} ms, ` +
        `the last one ended at +${Math.max(...failures.map((o) => o.at + o.ms)) - killedAt} ms. ` +
        `Until recovery: fresh codes ${count(false, 'accepted')} accepted / ${count(false, 'refused')} refused / ${count(false, 'failed')} failed; ` +
        `replays ${count(true, 'accepted')} accepted / ${count(true, 'refused')} refused / ${count(true, 'failed')} failed`,
    );

    expect(replaysAccepted).toEqual([]);
    for (const { error } of failures as Array<{ error: unknown }>) {
      expect(error).toBeInstanceOf(FactorkitError);
      expect((error as FactorkitError).code, (error as Error).message).toBe('STORE_UNAVAILABLE');
    }
    expect(recoveredAt, 'logins did not come back after the failover').not.toBeNull();
    // And stay back, on the same store and client.
    for (let i = 0; i < 5; i++) expect(await round()).toBe(true);
    expect(replaysAccepted).toEqual([]);
  }, 60_000);
});
