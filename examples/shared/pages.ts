/**
 * The pages of the Fastify and Hono examples: the host's sign-in, and factorkit's elements for the
 * 2FA screens (the code page, the user's settings, and for an administrator the agents list and
 * the org policy). Each is one small HTML string: the elements do the work.
 */

/** A user the pages list (the agents page). */
export interface ListedUser {
  id: string;
  email: string;
}

const esc = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

function page(title: string, body: string, signedIn: boolean): string {
  const nav = signedIn
    ? '<nav><a href="/settings">Two-factor authentication</a> · <a href="/agents">Agents</a> · <a href="/policy">Policy</a> · <button type="button" data-sign-out>Sign out</button></nav>'
    : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><style>body{font:16px/1.5 system-ui;margin:2rem auto;max-width:44rem;padding:0 1rem}</style>
<script type="module" src="/static/factorkit/elements.js"></script><script type="module" src="/static/app.js"></script></head>
<body>${nav}<main><h1>${esc(title)}</h1>${body}</main></body></html>`;
}

/** The password form: JSON to `POST /login`, then the code page or the settings. */
export const signInPage = () =>
  page(
    'Sign in',
    `<form action="/login" data-json-sign-in data-code="/code" data-next="/settings">
      <p role="alert"></p>
      <p><label>Email <input name="email" type="email" autocomplete="username" required></label></p>
      <p><label>Password <input name="password" type="password" autocomplete="current-password" required></label></p>
      <button type="submit">Sign in</button>
    </form>`,
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

/** The agents, each with the administrator's "Get Backup Code" and "Reset 2FA". */
export const agentsPage = (users: readonly ListedUser[]) =>
  page(
    'Agents',
    `<ul>${users
      .map(
        (user) =>
          `<li>${esc(user.email)} <factorkit-admin-agent user-id="${esc(user.id)}" user-name="${esc(user.email)}"></factorkit-admin-agent></li>`,
      )
      .join('')}</ul>`,
    true,
  );

export const policyPage = () => page('Security', '<factorkit-policy></factorkit-policy>', true);
