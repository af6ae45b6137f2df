import { FactorkitError, StoreUnavailableError } from '../core/errors.js';
import type { Actor, TwoFactorEvent } from '../core/events.js';
import type { Keyring } from '../core/keyring.js';
import type { TotpVerifier } from '../core/otp/totp-verifier.js';
import { DEFAULT_POLICY, mergePolicy, type Policy, type PolicyInput, policySchema } from '../core/policy.js';
import type { RandomSource } from '../core/random.js';
import { parseInput, parseOptions } from '../core/validation.js';
import type { BackupCodeVault } from '../methods/backup-codes/backup-code-vault.js';
import type { EmailCodeIssuer } from '../methods/email/email-code-issuer.js';
import type { AttemptLimiter } from '../services/attempt-limiter.js';
import type { TrustedDeviceStore } from '../services/trusted-device-store.js';
import { storeKeys } from '../store/keys.js';
import type { Store } from '../store/store.js';

/** The admin actions `authorize` decides. */
export type AdminAction = 'issue-backup-code' | 'reset-2fa';

/** Everything the facade's parts share. Internal. */
export interface Context {
  issuer: string;
  store: Store;
  now: () => number;
  random: RandomSource;
  keyring: Keyring;
  totp: TotpVerifier;
  emailCodes: EmailCodeIssuer;
  vault: BackupCodeVault;
  devices: TrustedDeviceStore;
  limiter: AttemptLimiter;
  emit: (event: Omit<TwoFactorEvent, 'at'>) => Promise<void>;
  authorize: (actor: Actor, action: AdminAction, targetUserId: string) => boolean | Promise<boolean>;
  /** The org policy: `fresh` reads the store; otherwise a copy at most `policyCacheMs` old. */
  policy(options?: { fresh?: boolean }): Promise<Policy>;
  /** Stores a new policy over the current one. */
  setPolicy(input: PolicyInput): Promise<Policy>;
}

/** Wraps a store so that any non-factorkit failure becomes `STORE_UNAVAILABLE` (fail closed). */
export function guardStore(store: Store): Store {
  const wrap = <T>(promise: () => Promise<T>): Promise<T> =>
    Promise.resolve()
      .then(promise)
      .catch((error: unknown) => {
        if (error instanceof FactorkitError) throw error;
        throw new StoreUnavailableError('store', 'the store failed', error);
      });
  return {
    get: (key, now) => wrap(() => store.get(key, now)),
    getMany: (keys, now) => wrap(() => store.getMany(keys, now)),
    commit: (ops, now, read) => wrap(() => store.commit(ops, now, read)),
  };
}

/** The policy part of the context: org defaults from the options, overrides kept in the store. */
export function createPolicyAccess(
  store: Store,
  now: () => number,
  defaults: PolicyInput | undefined,
  cacheMs: number,
): Pick<Context, 'policy' | 'setPolicy'> {
  const base =
    defaults === undefined
      ? DEFAULT_POLICY
      : parseOptions(policySchema, mergePolicy(DEFAULT_POLICY, defaults), 'policy');
  let cached: { policy: Policy; loadedAt: number } | null = null;

  /** The overrides `policy.set` stored (only what was set), so later code defaults still apply. */
  const readStored = async (at: number): Promise<{ overrides: PolicyInput; version: string | null }> => {
    const record = await store.get(storeKeys.policy(), at);
    const stored = record?.fields['overrides'];
    return {
      overrides: stored ? (JSON.parse(stored) as PolicyInput) : {},
      version: record?.fields['version'] ?? null,
    };
  };
  const readOverrides = async (at: number) => (await readStored(at)).overrides;

  const effective = (overrides: PolicyInput): Policy => {
    const parsed = policySchema.safeParse(mergePolicy(base, overrides));
    if (parsed.success) return parsed.data;
    process.emitWarning('[factorkit] the stored policy is no longer valid; using the defaults');
    return base;
  };

  const load = async (): Promise<Policy> => {
    const at = now();
    const policy = effective(await readOverrides(at));
    cached = { policy, loadedAt: at };
    return policy;
  };

  return {
    async policy(options) {
      if (!options?.fresh && cached && now() - cached.loadedAt < cacheMs) return cached.policy;
      return load();
    },
    async setPolicy(input) {
      // Compare-and-set on a version, so two admins saving at once never lose one another's change.
      for (let attempt = 0; ; attempt++) {
        const at = now();
        const { overrides, version } = await readStored(at);
        const current = effective(overrides);
        // Store only overrides (earlier ones plus this input), validated as the policy they produce.
        const patch = mergePolicy(overrides as Policy, input) as PolicyInput & {
          devicesTrustedFrom?: number;
        };
        let policy = parseInput(policySchema, mergePolicy(base, patch), 'policy');
        if (policy.frequency === 'every-login' && current.frequency !== 'every-login') {
          patch.devicesTrustedFrom = at;
          policy = { ...policy, devicesTrustedFrom: at };
        }
        const fields = { overrides: JSON.stringify(patch), version: String(Number(version ?? 0) + 1) };
        const key = storeKeys.policy();
        const result = await store.commit(
          [
            version === null
              ? { type: 'insert', key, fields, expiresAt: null }
              : { type: 'merge', key, fields, match: { version } },
          ],
          at,
        );
        if (result.ok) {
          cached = { policy, loadedAt: at };
          return policy;
        }
        if (attempt >= 4)
          throw new FactorkitError('STORE_UNAVAILABLE', 'the policy kept changing while it was saved');
      }
    },
  };
}
