import type { MailMessage, PhoneMessage, UserStatus } from 'factorkit';
import { esc } from '../shared/html.js';
import { agentsTable, demoAccountsTable, time } from '../shared/people.js';
import { siteName } from '../shared/sites.js';
import { DEMO_ACCOUNTS, type DemoUser } from './users.js';

/**
 * The control panel's frame: its navigation and a page. The 2FA screens in it are factorkit's
 * elements (`/static/factorkit/elements.js`); `/static/app.js` says where each one leads.
 */
function layout(title: string, body: string, user: DemoUser | null, setupOnly = false): string {
  const nav = setupOnly
    ? `<nav><div class="who">CloudFon CX</div><form method="post" action="/logout"><button class="link">Sign out</button></form></nav>`
    : user
      ? `<nav>
        <div class="who">${esc(user.name)}<small>${esc(user.email)}</small><small>${esc(siteName(user.site))}</small></div>
        <a href="/profile">Profile &gt; User Setting</a>
        ${user.role === 'admin' ? '<div class="group">Global Settings</div><a href="/settings/security">Security &gt; 2FA Authentication</a><a href="/settings/agents">People &gt; Agents</a>' : ''}
        <a href="/dev/outbox">Outbox (development)</a>
        <form method="post" action="/logout"><button class="link">Sign out</button></form>
      </nav>`
      : `<nav><div class="who">CloudFon CX</div><a href="/login">User Sign In</a><a href="/dev/outbox">Outbox (development)</a></nav>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · CloudFon CX</title><link rel="stylesheet" href="/static/style.css">
<script type="module" src="/static/factorkit/elements.js"></script><script type="module" src="/static/app.js"></script></head>
<body>${nav}<main><h1>${esc(title)}</h1>${body}</main></body></html>`;
}

export function signInPage(error?: string): string {
  return layout(
    'User Sign In',
    `<form method="post" action="/login" class="card narrow" id="sign-in">
      ${error ? `<p class="error" role="alert">${esc(error)}</p>` : ''}
      <label>Email <input name="email" type="email" autocomplete="username" required></label>
      <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
      <button type="submit">Sign In</button>
    </form>
    <section class="card">${demoAccountsTable(DEMO_ACCOUNTS)}</section>`,
    null,
  );
}

/** "Input Authentication Code": the challenge element; "Back to User Sign In" once the login ended. */
export function codePage(): string {
  return layout(
    'User Sign In',
    `<factorkit-challenge data-signed-in="/profile"></factorkit-challenge>
    <p id="back" hidden><a href="/login">Back to User Sign In</a></p>`,
    null,
  );
}

/** Profile > User Setting > Two-Factor Authentication, or the only page of a session that must set it up. */
export function profilePage(user: DemoUser, setupOnly: boolean, graceUntil: number | null = null): string {
  // What the directory knows is offered in the setup pop-ups.
  // Signed in during the site's grace (`setup-recommended`): the rule and its deadline, set up below or later.
  const grace =
    graceUntil === null
      ? ''
      : `<p class="warning" id="grace">${esc(siteName(user.site))} requires two-factor authentication: set up a method before ${time(graceUntil)}.</p>`;
  const settings = `<factorkit-settings email-address="${esc(user.email)}" phone-number="${esc(user.phone)}"${setupOnly ? ' data-changed="/profile"' : ''}></factorkit-settings>`;
  return layout(
    setupOnly ? 'Set up two-factor authentication' : 'Profile',
    setupOnly
      ? `<p class="warning">Your organisation requires two-factor authentication: set up a method to continue.</p>${settings}`
      : `<p class="muted">Profile &gt; User Setting &gt; Two-Factor Authentication(2FA)</p>${grace}${settings}`,
    user,
    setupOnly,
  );
}

/** Security > 2FA Authentication: the frequency (the element), then the site's rollout (`rollout`: its HTML). */
export function securityPage(user: DemoUser, rollout: string): string {
  return layout(
    '2FA Authentication',
    `<p class="muted">Global Settings &gt; Security &gt; 2FA Authentication · ${esc(siteName(user.site))}</p>
    <factorkit-policy trust-days="14"></factorkit-policy>${rollout}`,
    user,
  );
}

/** People > Agents: the admin's own site, with the 2FA column and the admin's actions in each row. */
export function agentsPage(user: DemoUser, agents: DemoUser[], statuses: Map<string, UserStatus>): string {
  return layout(
    'Agents',
    `<p class="muted">Global Settings &gt; People &gt; Agents · ${esc(siteName(user.site))}</p>
    <section class="card">${agentsTable(agents, statuses)}</section>`,
    user,
  );
}

export function outboxPage(
  user: DemoUser | null,
  sent: readonly MailMessage[],
  texts: readonly PhoneMessage[] = [],
): string {
  const items = [...sent]
    .reverse()
    .map(
      (m) =>
        `<article class="card mail"><header><b>To:</b> ${esc(m.to)}<br><b>Subject:</b> ${esc(m.subject)}</header><pre>${esc(m.text)}</pre></article>`,
    )
    .join('');
  const phone = [...texts]
    .reverse()
    .map(
      (t) =>
        `<article class="card text"><header><b>To:</b> ${esc(t.to)} (${t.kind === 'voice' ? 'call' : 'text message'})</header><pre>${esc(t.text)}</pre></article>`,
    )
    .join('');
  return layout(
    'Outbox',
    `<p class="muted">Emails the app sent (development mailer).</p>${items || '<p class="muted">No email yet.</p>'}
    <p class="muted">Text messages and calls to your number (development sender).</p>${phone || '<p class="muted">No text yet.</p>'}`,
    user,
  );
}
