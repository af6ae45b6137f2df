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
import type { Store, StoredRecord } from '../store/store.js';
import type { Context } from './context.js';
import type { OrgAccess } from './orgs.js';

/**
 * The format of a policy record. 1: before organizations (`overrides`, `version`, no `format`);
 * 2: the same fields plus `format`, and `required` may be a rule. A record of format 1 reads as
 * format 2 unchanged (every policy 1 wrote is a valid policy 2), and is rewritten as 2 by the next
 * `policy.set`. A newer format is refused rather than half-read.
 */
export const POLICY_FORMAT = 2;

interface StoredOverrides {
  overrides: PolicyInput;
  version: string | null;
}

/** What a policy record holds: only what was set there, so later code defaults still apply. */
export function readPolicyRecord(record: StoredRecord | null): StoredOverrides {
  if (record === null) return { overrides: {}, version: null };
  const format = Number(record.fields['format'] ?? 1);
  if (!(format >= 1 && format <= POLICY_FORMAT)) {
    throw new FactorkitError(
      'CONFIG',
      `a stored policy has format ${record.fields['format']}; this factorkit reads up to ${POLICY_FORMAT} (a newer factorkit wrote it)`,
    );
  }
  const stored = record.fields['overrides'];
  return {
    overrides: stored ? (JSON.parse(stored) as PolicyInput) : {},
    version: record.fields['version'] ?? null,
  };
}

const CACHED_ORGS = 1000;
/** The cache slot of the platform policy (no org). */
const PLATFORM = '';

/**
 * The policy part of the context. Layers, each over the one before: code defaults, the
 * `createTwoFactor({ policy })` defaults, the platform policy (`policy.set` without an org), and
 * the user's org policy. Each stored layer holds only what it changed.
 */
export function createPolicyAccess(
  store: Store,
  now: () => number,
  defaults: PolicyInput | undefined,
  cacheMs: number,
  orgs: OrgAccess,
): Pick<Context, 'policy' | 'setPolicy'> {
  const base =
    defaults === undefined
      ? DEFAULT_POLICY
      : parseOptions(policySchema, mergePolicy(DEFAULT_POLICY, defaults), 'policy');
  const cached = new Map<string, { policy: Policy; loadedAt: number }>();

  const layer = (under: Policy, overrides: PolicyInput, what: string): Policy => {
    const parsed = policySchema.safeParse(mergePolicy(under, overrides));
    if (!parsed.success) {
      process.emitWarning(`[factorkit] the stored ${what} policy is no longer valid; using the one under it`);
      return under;
    }
    // A switch to every-login at any layer untrusts the browsers of everyone under it.
    const from = Math.max(under.devicesTrustedFrom, parsed.data.devicesTrustedFrom);
    // The rule's start is the latest change of the rule in force (an org's own, or the one under it).
    const since = 'required' in overrides ? parsed.data.requiredSince : under.requiredSince;
    return { ...parsed.data, devicesTrustedFrom: from, requiredSince: since };
  };
  const effective = (platform: PolicyInput, org: PolicyInput | null) => {
    const top = layer(base, platform, 'platform');
    return org === null ? top : layer(top, org, 'org');
  };

  /** The platform's stored layer and, for an org, its own: concurrent reads, never one after the other. */
  const readLayers = async (org: string | null, at: number) => {
    const [platform, own] = await Promise.all([
      store.get(storeKeys.policy(), at),
      org === null ? null : store.get(storeKeys.orgPolicy(org), at),
    ]);
    return { platform: readPolicyRecord(platform), org: org === null ? null : readPolicyRecord(own) };
  };

  const load = async (org: string | null): Promise<Policy> => {
    const at = now();
    const layers = await readLayers(org, at);
    const policy = effective(layers.platform.overrides, layers.org?.overrides ?? null);
    if (cached.size >= CACHED_ORGS) cached.clear();
    cached.set(org ?? PLATFORM, { policy, loadedAt: at });
    return policy;
  };

  return {
    async policy(options) {
      const org =
        options?.org !== undefined
          ? options.org
          : options?.userId !== undefined && orgs.enabled
            ? await orgs.of(options.userId)
            : null;
      const hit = cached.get(org ?? PLATFORM);
      if (!options?.fresh && hit && now() - hit.loadedAt < cacheMs) return hit.policy;
      return load(org);
    },
    async setPolicy(input, options) {
      const org = options?.org ?? null;
      const key = org === null ? storeKeys.policy() : storeKeys.orgPolicy(org);
      // Compare-and-set on a version, so two admins saving at once never lose one another's change.
      for (let attempt = 0; ; attempt++) {
        const at = now();
        const layers = await readLayers(org, at);
        const own = layers.org ?? layers.platform;
        const current = effective(layers.platform.overrides, layers.org?.overrides ?? null);
        // Store only overrides (earlier ones plus this input), validated as the policy they produce.
        const patch = mergePolicy(own.overrides as Policy, input) as PolicyInput & {
          devicesTrustedFrom?: number;
          requiredSince?: number;
        };
        const under = org === null ? base : effective(layers.platform.overrides, null);
        let policy = { ...parseInput(policySchema, mergePolicy(under, patch), 'policy') };
        policy.devicesTrustedFrom = Math.max(policy.devicesTrustedFrom, under.devicesTrustedFrom);
        if (policy.frequency === 'every-login' && current.frequency !== 'every-login') {
          patch.devicesTrustedFrom = at;
          policy = { ...policy, devicesTrustedFrom: at };
        }
        // A new rule starts every user's grace afresh (and an enrolment before it does not count).
        if (JSON.stringify(policy.required) !== JSON.stringify(current.required)) {
          patch.requiredSince = at;
          policy = { ...policy, requiredSince: at };
        }
        const fields = {
          overrides: JSON.stringify(patch),
          version: String(Number(own.version ?? 0) + 1),
          format: String(POLICY_FORMAT),
        };
        const result = await store.commit(
          [
            own.version === null
              ? { type: 'insert', key, fields, expiresAt: null }
              : { type: 'merge', key, fields, match: { version: own.version } },
          ],
          at,
        );
        if (result.ok) {
          // The platform layer is under every org's: every cached org policy is stale.
          if (org === null) cached.clear();
          cached.set(org ?? PLATFORM, { policy, loadedAt: at });
          return policy;
        }
        if (attempt >= 4)
          throw new FactorkitError('STORE_UNAVAILABLE', 'the policy kept changing while it was saved');
      }
    },
  };
}
