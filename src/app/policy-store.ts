import { FactorkitError } from '../core/errors.js';
import {
  DEFAULT_POLICY,
  mergePolicy,
  type Policy,
  type PolicyInput,
  policySchema,
} from '../core/policy/policy-schema.js';
import { parseInput, parseOptions } from '../core/validation.js';
import { storeKeys } from '../store/keys.js';
import type { Store } from '../store/store.js';
import type { Context } from './context.js';

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
