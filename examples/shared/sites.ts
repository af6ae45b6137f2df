import type { PolicyInput, TwoFactor } from 'factorkit';

/**
 * The example's two customer sites (factorkit's orgs): each has its own admin, agents and 2FA
 * rules. The host owns membership: `createTwoFactor({ orgOf })` asks the directory for a user's site.
 */
export const SITES = {
  acme: { name: 'Acme Support', policy: { frequency: { trustDays: 14 } } },
  globex: { name: 'Globex Sales', policy: { frequency: 'every-login' } },
} satisfies Record<string, { name: string; policy: PolicyInput }>;

export type SiteId = keyof typeof SITES;

/** The site's display name (its id when the directory names a site this list does not). */
export const siteName = (site: string): string => SITES[site as SiteId]?.name ?? site;

/**
 * Gives each site its default rules (distinct frequencies, so the difference shows at sign-in)
 * while the site's policy is still the platform's in every field: a restart on the SQLite file
 * keeps what the site's admin saved.
 */
export async function seedSitePolicies(tf: TwoFactor): Promise<void> {
  const platform = JSON.stringify(await tf.policy.get());
  for (const [org, site] of Object.entries(SITES)) {
    if (JSON.stringify(await tf.policy.get({ org })) === platform) await tf.policy.set(site.policy, { org });
  }
}
