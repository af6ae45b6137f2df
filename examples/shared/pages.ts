/**
 * The pages of the Fastify and Hono examples: the host's sign-in, and factorkit's elements for the
 * 2FA screens (the code page, the user's settings, and for an administrator their site's agents
 * with the 2FA column, and the site's policy with its rollout). Each is one small HTML string: the
 * elements do the work.
 */
import type { TwoFactor } from 'factorkit';
import { actorOf, DEMO_USERS, type DemoPerson, peopleOf } from './demo-directory.js';
import { esc } from './html.js';
import { agentsTable, demoAccountsTable } from './people.js';
import { rolloutSection } from './rollout.js';
import { siteName } from './sites.js';

function page(title: string, body: string, signedIn: boolean): string {
  const nav = signedIn
    ? '<nav><a href="/settings">Two-factor authentication</a> · <a href="/agents">Agents</a> · <a href="/policy">Policy</a> · <button type="button" data-sign-out>Sign out</button></nav>'
    : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><style>body{font:16px/1.5 system-ui;margin:2rem auto;max-width:52rem;padding:0 1rem}td,th{text-align:left;padding:4px 8px}label{display:block;margin:.5rem 0}label.inline{display:inline-block;margin-right:1rem}</style>
<script type="module" src="/static/factorkit/elements.js"></script><script type="module" src="/static/app.js"></script></head>
<body>${nav}<main><h1>${esc(title)}</h1>${body}</main></body></html>`;
}

/** The password form: JSON to `POST /login`, then the code page or the settings; who is in which site below it. */
export const signInPage = () =>
  page(
    'Sign in',
    `<form action="/login" data-json-sign-in data-code="/code" data-next="/settings">
      <p role="alert"></p>
      <p><label>Email <input name="email" type="email" autocomplete="username" required></label></p>
      <p><label>Password <input name="password" type="password" autocomplete="current-password" required></label></p>
      <button type="submit">Sign in</button>
    </form>${demoAccountsTable(DEMO_USERS)}`,
    false,
  );

export const codePage = () =>
  page(
    'Sign in',
    `<factorkit-challenge data-signed-in="/settings"></factorkit-challenge>
    <p id="back" hidden><a href="/">Back to sign in</a></p>`,
    false,
  );

export const settingsPage = () => page('Your account', '<factorkit-settings></factorkit-settings>', true);

/** The admin's site's agents: the 2FA column (one `statusMany`), "Get Backup Code" and "Reset 2FA". */
export async function agentsPage(tf: TwoFactor, admin: DemoPerson): Promise<string> {
  const agents = peopleOf(admin.site);
  const statuses = await tf.statusMany(agents.map((agent) => agent.id));
  return page(`Agents · ${siteName(admin.site)}`, agentsTable(agents, statuses), true);
}

/** The admin's site's policy: the frequency (the element), the enforcement rule and the adoption chart. */
export async function policyPage(tf: TwoFactor, admin: DemoPerson): Promise<string> {
  const userIds = peopleOf(admin.site).map((person) => person.id);
  const overview = await tf.admin.overview(actorOf(admin.id)!, { userIds });
  const rollout = rolloutSection(await tf.policy.get({ userId: admin.id }), ['totp', 'email'], overview);
  return page(`Security · ${siteName(admin.site)}`, `<factorkit-policy></factorkit-policy>${rollout}`, true);
}

/** The pages of a signed-in user, by path; the admin's need an admin (others go to their settings). */
export const signedInPages = (tf: TwoFactor) => ({
  '/settings': async () => settingsPage(),
  '/agents': (user: DemoPerson) => agentsPage(tf, user),
  '/policy': (user: DemoPerson) => policyPage(tf, user),
});
