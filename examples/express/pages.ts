import type { MailMessage, PhoneMessage, SecurityKey } from 'factorkit';
import type { DemoUser } from './users.js';

/** Escapes text for HTML. */
export const esc = (text: unknown) =>
  String(text ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

function layout(title: string, body: string, user: DemoUser | null, setupOnly = false): string {
  const nav = setupOnly
    ? `<nav><div class="who">CloudFon CX</div><form method="post" action="/logout"><button class="link">Sign out</button></form></nav>`
    : user
      ? `<nav>
        <div class="who">${esc(user.name)}<small>${esc(user.email)}</small></div>
        <a href="/profile">Profile &gt; User Setting</a>
        ${user.role === 'admin' ? '<div class="group">Global Settings</div><a href="/settings/security">Security &gt; 2FA Authentication</a><a href="/settings/agents">People &gt; Agents</a>' : ''}
        <a href="/dev/outbox">Outbox (development)</a>
        <form method="post" action="/logout"><button class="link">Sign out</button></form>
      </nav>`
      : `<nav><div class="who">CloudFon CX</div><a href="/login">User Sign In</a><a href="/dev/outbox">Outbox (development)</a></nav>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · CloudFon CX</title><link rel="stylesheet" href="/static/style.css"></head>
<body>${nav}<main><h1>${esc(title)}</h1>${body}</main><script src="/static/vendor/simplewebauthn-browser.js"></script><script src="/static/app.js"></script></body></html>`;
}

export function signInPage(error?: string): string {
  return layout(
    'User Sign In',
    `<form method="post" action="/login" class="card narrow" id="sign-in">
      ${error ? `<p class="error" role="alert">${esc(error)}</p>` : ''}
      <label>Email <input name="email" type="email" autocomplete="username" required></label>
      <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
      <button type="submit">Sign In</button>
    </form>`,
    null,
  );
}

export function codePage(options: { methods: string[]; trustDays: number | null }): string {
  const hasEmail = options.methods.includes('email');
  return layout(
    'Input Authentication Code',
    `<section class="card narrow" id="code-page">
      <p>Enter the six-digit passcode received in your email or generated from your 2FA authenticator app${options.methods.includes('backup-code') ? ', or a backup code' : ''}, and click Verify.</p>
      <label>Authentication code <input id="code" name="code" autocomplete="one-time-code" inputmode="text" maxlength="32" autofocus></label>
      ${options.trustDays ? `<label class="inline"><input type="checkbox" id="remember"> Trust this browser for ${options.trustDays} days</label>` : ''}
      <div class="row"><button id="verify" data-action="verify-login">Verify</button>
      ${hasEmail ? '<button id="send-email" class="secondary" data-action="send-login-email">Send code by email</button>' : ''}
      ${options.methods.includes('phone') ? '<button id="send-text" class="secondary" data-action="send-login-text">Send code by text message</button>' : ''}
      ${options.methods.includes('webauthn') ? '<button id="use-key" class="secondary" data-action="use-security-key">Use a security key</button>' : ''}</div>
      <p id="message" role="alert" class="message"></p>
    </section>`,
    null,
  );
}

interface ProfileView {
  user: DemoUser;
  /** `phone` is there while text-message codes are on (option `phone`). */
  status: {
    totp: boolean;
    email: string | null;
    phone?: string | null | undefined;
    backupCodesRemaining: number;
    enabled: boolean;
  };
  /** The security keys, or null when the app does not offer them. */
  keys: SecurityKey[] | null;
  devices: Array<{ id: string; label: string; createdAt: number; lastUsedAt: number; expiresAt: number }>;
  currentDeviceId: string | null;
  /** A session that must set up 2FA before anything else: only the methods and backup codes. */
  setupOnly: boolean;
}

const when = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';

export function profilePage(view: ProfileView): string {
  const { status } = view;
  const method = (id: 'email' | 'totp' | 'phone', name: string, on: boolean, detail: string, note = '') => `
    <div class="method" id="method-${id}">
      <div><h3>${name}</h3><p class="muted">${on ? `Enabled${detail ? ` · ${esc(detail)}` : ''}` : 'Not set up'}</p>${note}</div>
      ${on ? `<button class="secondary" data-action="turn-off" data-method="${id}">Turn off</button>` : `<button data-action="setup-${id}" data-number="${esc(view.user.phone)}">Set up</button>`}
    </div>`;
  // NIST calls codes by text message "restricted": the page says so, beside the stronger methods.
  const textNote =
    '<p class="muted">The weakest method: a thief who moves your number to their SIM receives the codes. Prefer the app or a security key.</p>';
  const devices = view.devices.length
    ? `<table><thead><tr><th>Browser</th><th>Trusted since</th><th>Last used</th><th>Expires</th><th></th></tr></thead><tbody>${view.devices
        .map(
          (d) =>
            `<tr><td>${esc(d.label)}${d.id === view.currentDeviceId ? ' <span class="tag">this browser</span>' : ''}</td><td>${when(d.createdAt)}</td><td>${when(d.lastUsedAt)}</td><td>${when(d.expiresAt)}</td><td><button class="secondary small" data-action="revoke-device" data-device="${esc(d.id)}">Revoke</button></td></tr>`,
        )
        .join(
          '',
        )}</tbody></table><button class="secondary" data-action="revoke-all">Revoke all trusted browsers</button>`
    : '<p class="muted">No trusted browsers.</p>';
  return layout(
    'Two-Factor Authentication (2FA)',
    `${view.setupOnly ? '<p class="warning">Your organisation requires two-factor authentication: set up a method to continue.</p>' : ''}
    <p class="muted">Profile &gt; User Setting &gt; Two-Factor Authentication(2FA)</p>
    <section class="card">
      ${method('email', 'Email authentication', Boolean(status.email), status.email ?? '')}
      ${method('totp', 'Authenticator app authentication', status.totp, '')}
      ${status.phone !== undefined ? method('phone', 'Text message (SMS) authentication', status.phone !== null, status.phone ?? '', textNote) : ''}
      ${view.keys ? securityKeysSection(view.keys) : ''}
    </section>
    <section class="card" id="backup-codes">
      <h2>Backup codes</h2>
      <p class="muted" id="backup-count">${status.enabled ? `${status.backupCodesRemaining} of 10 backup codes remaining.` : 'Backup codes are issued when you enable a method.'}</p>
      ${status.enabled ? '<div class="row"><button class="secondary" data-action="view-codes">View Backup Codes</button><button class="secondary" data-action="regenerate-codes">Generate new codes</button></div>' : ''}
      <div id="codes-box"></div>
    </section>
    ${view.setupOnly ? '' : `<section class="card" id="devices"><h2>Trusted browsers</h2>${devices}</section>`}
    <p id="message" role="alert" class="message"></p>`,
    view.user,
    view.setupOnly,
  );
}

/** "Security keys": each key with its name and use, rename and remove, and "Add a security key". */
function securityKeysSection(keys: SecurityKey[]): string {
  const rows = keys
    .map(
      (key) =>
        `<li data-key="${esc(key.id)}"><b class="key-label">${esc(key.label)}</b> <small class="muted">added ${when(key.createdAt)} · ${key.lastUsedAt ? `last used ${when(key.lastUsedAt)}` : 'never used'}</small>
        <button class="secondary small" data-action="rename-key" data-key="${esc(key.id)}" data-label="${esc(key.label)}">Rename</button>
        <button class="secondary small" data-action="remove-key" data-key="${esc(key.id)}" data-label="${esc(key.label)}">Remove</button></li>`,
    )
    .join('');
  return `
    <div class="method" id="method-webauthn">
      <div><h3>Security keys</h3><p class="muted">${keys.length ? `${keys.length} key${keys.length === 1 ? '' : 's'}: sign in with a touch, safe from phishing` : 'Not set up'}</p>
      ${keys.length ? `<ul class="keys">${rows}</ul>` : ''}</div>
      <button data-action="add-key">Add a security key</button>
    </div>`;
}

export function securityPage(user: DemoUser, frequency: 'every-login' | { trustDays: number }): string {
  const skip = frequency !== 'every-login';
  return layout(
    '2FA Authentication',
    `<p class="muted">Global Settings &gt; Security &gt; 2FA Authentication</p>
    <section class="card narrow" id="frequency">
      <h2>Frequency of Two-Factor Authentication for your Login</h2>
      <label class="inline"><input type="radio" name="frequency" value="every-login" ${skip ? '' : 'checked'}> Every login</label>
      <label class="inline"><input type="radio" name="frequency" value="14" ${skip ? 'checked' : ''}> 14 days skip (trusted browsers)</label>
      <p class="muted">With 14 days skip, an agent who clears the browser cookies or uses a different browser is asked for a code again.</p>
      <button data-action="save-policy">Save</button>
      <p id="message" role="alert" class="message"></p>
    </section>`,
    user,
  );
}

export function agentsPage(user: DemoUser, agents: DemoUser[]): string {
  return layout(
    'Agents',
    `<p class="muted">Global Settings &gt; People &gt; Agents</p>
    <section class="card"><table><thead><tr><th>Name</th><th>Email</th><th>Role</th><th></th></tr></thead><tbody>
      ${agents
        .map(
          (a) =>
            `<tr data-agent="${esc(a.id)}"><td>${esc(a.name)}</td><td>${esc(a.email)}</td><td>${esc(a.role)}</td><td><button class="secondary small" data-action="get-backup-code" data-user="${esc(a.id)}" data-name="${esc(a.name)}">Get Backup Code</button></td></tr>`,
        )
        .join('')}
    </tbody></table></section>
    <p id="message" role="alert" class="message"></p>`,
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
