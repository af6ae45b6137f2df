import type { UserStatus } from 'factorkit';
import { esc } from './html.js';
import { siteName } from './sites.js';

/** A person of the host's directory, as its lists show them. */
export interface ListedPerson {
  id: string;
  name: string;
  email: string;
  role: string;
  site: string;
}

/** The methods' names in the 2FA column (registry ids). */
export const METHOD_NAMES: Record<string, string> = {
  totp: 'App',
  email: 'Email',
  phone: 'Text message',
  webauthn: 'Security key or passkey',
};

/** A time in the server's words: `2026-12-06 10:30 UTC`, with the machine-readable one beside it. */
export const time = (ms: number) => {
  const iso = new Date(ms).toISOString();
  return `<time datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')} UTC</time>`;
};

/** The 2FA column of one agent: methods on, last 2FA sign-in, a lock in force now. */
export function twoFactorCell(status: UserStatus | undefined): string {
  if (!status) return '<span class="muted">Unknown</span>';
  const methods = status.methods.map((id) => METHOD_NAMES[id] ?? id).join(', ');
  const standing =
    status.setup === 'grace' && status.graceUntil !== null
      ? ` <span class="tag">in grace until ${time(status.graceUntil)}</span>`
      : status.setup === 'required'
        ? ' <span class="tag">required</span>'
        : '';
  const last = status.lastSecondFactorAt === null ? 'never' : time(status.lastSecondFactorAt);
  const locked =
    status.lockedUntil === null ? '' : `<br><strong>Locked until ${time(status.lockedUntil)}</strong>`;
  return `<span data-methods>${esc(methods || 'Not set up')}</span>${standing}<br><small>Last 2FA sign-in: ${last}</small>${locked}`;
}

/**
 * People > Agents: the admin's own site, each agent with the 2FA column (from one
 * `tf.statusMany` call for the page) and the admin's actions (`<factorkit-admin-agent>`: Get
 * Backup Code, Reset 2FA).
 */
export function agentsTable(agents: readonly ListedPerson[], statuses: Map<string, UserStatus>): string {
  const rows = agents
    .map(
      (a) =>
        `<tr data-agent="${esc(a.id)}"><td>${esc(a.name)}</td><td>${esc(a.email)}</td><td>${esc(a.role)}</td><td>${twoFactorCell(statuses.get(a.id))}</td><td><factorkit-admin-agent user-id="${esc(a.id)}" user-name="${esc(a.name)}"></factorkit-admin-agent></td></tr>`,
    )
    .join('');
  return `<table><thead><tr><th>Name</th><th>Email</th><th>Role</th><th>Two-factor authentication</th><th>Actions</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** The demo accounts under the sign-in form: who is in which site (development only: the passwords are public). */
export function demoAccountsTable(accounts: ReadonlyArray<ListedPerson & { password: string }>): string {
  const rows = accounts
    .map(
      (a) =>
        `<tr><td>${esc(siteName(a.site))}</td><td>${esc(a.email)}</td><td>${esc(a.password)}</td><td>${esc(a.role)}</td></tr>`,
    )
    .join('');
  return `<table id="demo-accounts"><caption>Demo accounts: two sites, each with its admin and agents</caption><thead><tr><th>Site</th><th>Email</th><th>Password</th><th>Role</th></tr></thead><tbody>${rows}</tbody></table>`;
}
