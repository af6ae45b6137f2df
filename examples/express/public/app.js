// The example control panel's browser code: plain JavaScript, no build step.
// It talks to factorkit's Express adapter (mounted at /2fa) with JSON requests.

async function api(method, url, body) {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const type = res.headers.get('content-type') || '';
  return { status: res.status, body: type.includes('json') ? await res.json() : await res.text(), res };
}

/** Escapes text for the HTML of a pop-up: every value from the server or the user goes through it. */
const esc = (text) =>
  String(text ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );

function say(text, kind = 'info') {
  const box = document.getElementById('message');
  if (!box) return;
  box.textContent = text;
  box.className = `message ${kind}`;
}

/**
 * A modal pop-up that stays one pop-up for its whole exchange: `choose()` resolves with the next
 * button clicked (null once closed), as often as the exchange needs (a wrong code, "Send code by
 * email"); `say()` writes its message; `close()` ends it. Its buttons are off while a request runs.
 */
function openDialog(title, html, buttons) {
  const dialog = document.createElement('dialog');
  dialog.innerHTML = `<h2>${title}</h2><div class="body">${html}</div><p class="message" role="alert"></p><div class="row">${buttons
    .map((b) => `<button value="${b.value}" class="${b.secondary ? 'secondary' : ''}">${b.label}</button>`)
    .join('')}</div>`;
  document.body.append(dialog);
  let waiting = null;
  const answer = (value) => {
    const resolve = waiting;
    waiting = null;
    resolve?.(value);
  };
  const enable = (on) => {
    for (const button of dialog.querySelectorAll('.row button')) button.disabled = !on;
  };
  dialog.addEventListener('close', () => {
    dialog.remove();
    answer(null);
  });
  dialog.addEventListener('click', (event) => {
    const button = event.target.closest('button[value]');
    if (button && waiting) answer(button.value);
  });
  dialog.showModal();
  dialog.querySelector('input')?.focus();
  return {
    element: dialog,
    choose() {
      if (!dialog.isConnected) return Promise.resolve(null);
      enable(true);
      return new Promise((resolve) => {
        waiting = (value) => {
          enable(false);
          resolve(value);
        };
      });
    },
    say(text, kind = 'error') {
      const box = dialog.querySelector('.message');
      box.textContent = text;
      box.className = `message ${kind}`;
    },
    close() {
      if (dialog.open) dialog.close();
    },
  };
}

/** A pop-up of one answer: the button's value, or null when closed; the pop-up is gone after. */
async function popup(title, html, buttons) {
  const dialog = openDialog(title, html, buttons);
  const value = await dialog.choose();
  dialog.close();
  return value;
}

/** Asks before an action that cannot be undone; true when the user confirmed. */
async function confirmAction(title, text, label) {
  const value = await popup(title, `<p>${esc(text)}</p>`, [
    { value: 'yes', label },
    { value: 'cancel', label: 'Cancel', secondary: true },
  ]);
  return value === 'yes';
}

/** What to tell the user: the server's message (its catalogue, in the user's language) when it has one. */
function explain(body) {
  if (body.message) return body.message;
  if (body.reason === 'invalid-code')
    return `Invalid authentication code. ${body.attemptsLeft} attempt${body.attemptsLeft === 1 ? '' : 's'} left.`;
  if (body.reason === 'challenge-ended') return 'Too many failed attempts. Please sign in again.';
  if (body.reason === 'expired') return 'This code has expired. Please start again.';
  if (body.reason === 'cooldown')
    return `Please wait until ${new Date(body.retryAt).toLocaleTimeString()} before sending another code.`;
  if (body.reason === 'no-pending-setup') return 'Nothing to confirm: please start the setup again.';
  if (body.error === 'invalid-input') return `Please check the ${body.field}.`;
  if (body.error === 'not-enabled') return 'This user has not set up two-factor authentication.';
  if (body.error === 'no-method')
    return 'Set up two-factor authentication for your own account first (Profile > User Setting).';
  return body.message || body.error || body.reason || 'Something went wrong.';
}

/**
 * Asks the security key to sign: options from `optionsUrl`, the browser's WebAuthn prompt
 * (@simplewebauthn/browser), the response to `verifyUrl`.
 */
async function signWithKey(optionsUrl, verifyUrl, extra = {}) {
  const options = await api('POST', optionsUrl, {});
  if (options.status !== 200) return options;
  let response;
  try {
    response = await SimpleWebAuthnBrowser.startAuthentication({ optionsJSON: options.body.options });
  } catch (error) {
    return { status: 0, body: { message: `The security key did not answer (${error.name || error}).` } };
  }
  return api('POST', verifyUrl, { response, ...extra });
}

/** Whether the server asks for a fresh second factor (a refusal, or codes it will show only then). */
const needsStepUp = (result) =>
  (result.status === 403 && result.body.error === 'step-up-required') || result.body.stepUpRequired === true;

/** Runs an action; when the server asks for a fresh second factor, runs the step-up pop-up first. */
async function withStepUp(action) {
  let result = await action();
  if (!needsStepUp(result)) return result;
  const start = await api('POST', '/2fa/step-up/start', {});
  if (start.status !== 200) return start;
  const email = start.body.methods.includes('email')
    ? [{ value: 'email', label: 'Send code by email', secondary: true }]
    : [];
  const key = start.body.methods.includes('webauthn')
    ? [{ value: 'key', label: 'Use a security key', secondary: true }]
    : [];
  const text = start.body.methods.includes('phone')
    ? [{ value: 'text', label: 'Send code by text message', secondary: true }]
    : [];
  const dialog = openDialog(
    'Confirm it’s you',
    '<p>Enter a code from your authenticator app, your email or a backup code to change your 2FA settings.</p><label>Authentication code <input id="step-up-code" autocomplete="one-time-code"></label>',
    [
      { value: 'verify', label: 'Verify' },
      ...key,
      ...email,
      ...text,
      { value: 'cancel', label: 'Cancel', secondary: true },
    ],
  );
  for (;;) {
    const choice = await dialog.choose();
    if (!choice || choice === 'cancel') {
      dialog.close();
      return result;
    }
    if (choice === 'email' || choice === 'text') {
      const sent = await api('POST', `/2fa/step-up/${choice === 'email' ? 'email' : 'phone'}`, {});
      dialog.say(
        sent.status === 200 ? `Code sent to ${sent.body.sentTo}.` : explain(sent.body),
        sent.status === 200 ? 'info' : 'error',
      );
      continue;
    }
    const input = dialog.element.querySelector('#step-up-code');
    const verified =
      choice === 'key'
        ? await signWithKey('/2fa/step-up/webauthn/options', '/2fa/step-up/webauthn')
        : await api('POST', '/2fa/step-up/verify', { code: input.value });
    if (verified.status === 200) {
      dialog.close();
      result = await action();
      return result;
    }
    dialog.say(explain(verified.body));
    input.select();
    if (verified.body.reason === 'challenge-ended' || verified.body.reason === 'expired') {
      dialog.close();
      say(explain(verified.body), 'error');
      return result;
    }
  }
}

/** Asks for the six-digit code in the "Enter the Authentication Code" pop-up until it is accepted. */
async function confirmCode(url, intro) {
  const dialog = openDialog(
    'Enter the Authentication Code',
    `<p>${esc(intro)}</p><label>Six-digit code <input id="setup-code" inputmode="numeric" autocomplete="one-time-code" maxlength="8"></label>`,
    [
      { value: 'verify', label: 'Verify' },
      { value: 'cancel', label: 'Cancel', secondary: true },
    ],
  );
  for (;;) {
    const choice = await dialog.choose();
    if (!choice || choice === 'cancel') {
      dialog.close();
      return null;
    }
    const input = dialog.element.querySelector('#setup-code');
    const result = await withStepUp(() => api('POST', url, { code: input.value }));
    if (result.status === 200) {
      dialog.close();
      return result.body;
    }
    dialog.say(explain(result.body));
    input.select();
  }
}

function codesHtml(codes) {
  return `<ol class="codes" id="backup-code-list">${codes.map((c) => `<li><code>${esc(c)}</code></li>`).join('')}</ol>
    <button class="secondary" data-action="download-codes" data-codes="${esc(codes.join(','))}">Download</button>`;
}

async function showNewBackupCodes(codes) {
  await popup(
    'Your backup codes',
    `<p>Now your account has been enabled with 2FA successfully. If you lose your device, you'll need these backup codes to log into your account. Without your device or a backup code, you'll have to contact the administrator to recover your account. We recommend you download them to keep them in a safe place.</p>${codesHtml(codes)}`,
    [{ value: 'done', label: 'Done' }],
  );
}

async function download(codes) {
  const result = await fetch('/2fa/backup-codes/download', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ codes }),
  });
  const url = URL.createObjectURL(await result.blob());
  const link = Object.assign(document.createElement('a'), { href: url, download: 'backup-codes.txt' });
  document.body.append(link);
  link.click();
  link.remove();
}

const actions = {
  async 'verify-login'() {
    const code = document.getElementById('code').value;
    const rememberDevice = document.getElementById('remember')?.checked === true;
    const result = await api('POST', '/2fa/login/verify', { code, rememberDevice });
    if (result.status === 200) return location.assign('/profile');
    if (result.body.error === 'no-pending-login') return location.assign('/login');
    say(explain(result.body), result.body.reason === 'locked' ? 'warning' : 'error');
    if (result.body.reason === 'challenge-ended' || result.body.reason === 'expired') {
      document.getElementById('verify').disabled = true;
      document
        .getElementById('message')
        .insertAdjacentHTML('beforeend', ' <a href="/login">Back to User Sign In</a>');
    }
  },
  async 'use-security-key'() {
    const rememberDevice = document.getElementById('remember')?.checked === true;
    const result = await signWithKey('/2fa/login/webauthn/options', '/2fa/login/webauthn', {
      rememberDevice,
    });
    if (result.status === 200) return location.assign('/profile');
    if (result.body.error === 'no-pending-login') return location.assign('/login');
    say(explain(result.body), result.body.reason === 'locked' ? 'warning' : 'error');
  },
  async 'add-key'() {
    const dialog = openDialog(
      'Add a security key',
      '<p>Name the key, then touch it (or use your device’s passkey) when the browser asks.</p><label>Name <input id="key-label" maxlength="64" value="Security key"></label>',
      [
        { value: 'add', label: 'Add' },
        { value: 'cancel', label: 'Cancel', secondary: true },
      ],
    );
    for (;;) {
      const choice = await dialog.choose();
      if (!choice || choice === 'cancel') return void dialog.close();
      const label = dialog.element.querySelector('#key-label').value;
      const options = await withStepUp(() => api('POST', '/2fa/webauthn/register/options', {}));
      if (options.status !== 200) {
        dialog.say(explain(options.body));
        continue;
      }
      let response;
      try {
        response = await SimpleWebAuthnBrowser.startRegistration({ optionsJSON: options.body });
      } catch (error) {
        dialog.say(`The security key did not answer (${error.name || error}).`);
        continue;
      }
      const added = await withStepUp(() => api('POST', '/2fa/webauthn/register', { response, label }));
      if (added.status !== 200) {
        dialog.say(explain(added.body));
        continue;
      }
      dialog.close();
      if (added.body.backupCodes) await showNewBackupCodes(added.body.backupCodes);
      return void location.reload();
    }
  },
  async 'rename-key'(button) {
    const dialog = openDialog(
      'Rename the security key',
      `<label>Name <input id="key-label" maxlength="64" value="${esc(button.dataset.label)}"></label>`,
      [
        { value: 'save', label: 'Save' },
        { value: 'cancel', label: 'Cancel', secondary: true },
      ],
    );
    const choice = await dialog.choose();
    const label = dialog.element.querySelector('#key-label').value;
    dialog.close();
    if (choice !== 'save') return;
    const result = await api('PUT', `/2fa/webauthn/keys/${encodeURIComponent(button.dataset.key)}`, {
      label,
    });
    if (result.status === 200) location.reload();
    else say(explain(result.body), 'error');
  },
  async 'remove-key'(button) {
    const url = `/2fa/webauthn/keys/${encodeURIComponent(button.dataset.key)}`;
    const result = await withStepUp(() => api('DELETE', url));
    if (result.status === 200) location.reload();
    else say(explain(result.body), 'error');
  },
  async 'send-login-email'() {
    const result = await api('POST', '/2fa/login/email', {});
    say(
      result.status === 200 ? `We sent a six-digit code to ${result.body.sentTo}.` : explain(result.body),
      result.status === 200 ? 'info' : 'error',
    );
  },
  async 'send-login-text'() {
    const result = await api('POST', '/2fa/login/phone', {});
    say(
      result.status === 200 ? `We sent a six-digit code to ${result.body.sentTo}.` : explain(result.body),
      result.status === 200 ? 'info' : 'error',
    );
  },
  async 'setup-phone'(button) {
    const dialog = openDialog(
      'Text message authentication',
      `<p>A code by text message is the weakest method: prefer the app or a security key if you can.</p>
       <label>Mobile number (international, like +1 415 555 0101) <input id="phone-number" type="tel" autocomplete="tel" value="${esc(button.dataset.number || '')}"></label>`,
      [
        { value: 'send', label: 'Send code' },
        { value: 'cancel', label: 'Cancel', secondary: true },
      ],
    );
    for (;;) {
      const choice = await dialog.choose();
      if (!choice || choice === 'cancel') return void dialog.close();
      const number = dialog.element.querySelector('#phone-number').value;
      const sent = await withStepUp(() => api('POST', '/2fa/phone/setup', { number }));
      if (sent.status !== 200) {
        dialog.say(explain(sent.body));
        continue;
      }
      dialog.close();
      const confirmed = await confirmCode(
        '/2fa/phone/confirm',
        `Enter the six-digit numeric code we sent to ${sent.body.sentTo}.`,
      );
      if (!confirmed) return;
      if (confirmed.backupCodes) await showNewBackupCodes(confirmed.backupCodes);
      return void location.reload();
    }
  },
  async 'setup-totp'() {
    const setup = await withStepUp(() => api('POST', '/2fa/totp/setup', {}));
    if (setup.status !== 200) return say(explain(setup.body), 'error');
    const grouped = setup.body.secret.replace(/(.{4})/g, '$1 ').trim();
    const next = await popup(
      'Link the app to your account',
      `<p>Install a third-party 2FA authenticator app on a mobile device and scan the QR code.</p><div class="qr">${setup.body.qrSvg}</div>
       <p>Having trouble scanning? Enter this secret code in your app:</p><p><code id="totp-secret">${esc(grouped)}</code></p>`,
      [
        { value: 'next', label: 'Next' },
        { value: 'cancel', label: 'Cancel', secondary: true },
      ],
    );
    if (next !== 'next') return;
    const confirmed = await confirmCode(
      '/2fa/totp/confirm',
      'Provide the six-digit numeric code your authenticator app generates.',
    );
    if (!confirmed) return;
    if (confirmed.backupCodes) await showNewBackupCodes(confirmed.backupCodes);
    location.reload();
  },
  async 'setup-email'() {
    const dialog = openDialog(
      'Email authentication',
      '<label>Email address <input id="email-address" type="email" autocomplete="email"></label>',
      [
        { value: 'send', label: 'Send code' },
        { value: 'cancel', label: 'Cancel', secondary: true },
      ],
    );
    for (;;) {
      const choice = await dialog.choose();
      if (!choice || choice === 'cancel') return void dialog.close();
      const address = dialog.element.querySelector('#email-address').value;
      const sent = await withStepUp(() => api('POST', '/2fa/email/setup', { address }));
      if (sent.status !== 200) {
        dialog.say(explain(sent.body));
        continue;
      }
      dialog.close();
      const confirmed = await confirmCode(
        '/2fa/email/confirm',
        `Enter the six-digit numeric code we sent to ${sent.body.sentTo}.`,
      );
      if (!confirmed) return;
      if (confirmed.backupCodes) await showNewBackupCodes(confirmed.backupCodes);
      return void location.reload();
    }
  },
  async 'turn-off'(button) {
    const wording = {
      totp: ['Turn off the authenticator app?', 'accept codes from your authenticator app'],
      email: ['Turn off email authentication?', 'send codes to your email'],
      phone: ['Turn off text message authentication?', 'send codes to your phone'],
    }[button.dataset.method];
    const confirmed = await confirmAction(
      wording[0],
      `Sign-in will no longer ${wording[1]}. Trusted browsers will be asked again.`,
      'Turn off',
    );
    if (!confirmed) return;
    const result = await withStepUp(() => api('POST', '/2fa/disable', { method: button.dataset.method }));
    if (result.status === 200) location.reload();
    else say(explain(result.body), 'error');
  },
  async 'view-codes'() {
    const result = await withStepUp(() => api('GET', '/2fa/backup-codes'));
    const box = document.getElementById('codes-box');
    document.getElementById('backup-count').textContent =
      `${result.body.remaining} of ${result.body.total} backup codes remaining.`;
    box.innerHTML = result.body.codes
      ? codesHtml(result.body.codes)
      : result.body.stepUpRequired
        ? '<p class="muted">Confirm it’s you to see the codes again.</p>'
        : '<p class="muted">Backup codes are stored hashed: they were shown once. Generate new codes to see a new set.</p>';
  },
  async 'regenerate-codes'() {
    const confirmed = await confirmAction(
      'Generate new backup codes?',
      'Your current backup codes, the ones you downloaded or wrote down included, will stop working.',
      'Generate new codes',
    );
    if (!confirmed) return;
    const result = await withStepUp(() => api('POST', '/2fa/backup-codes/regenerate', {}));
    if (result.status !== 200) return say(explain(result.body), 'error');
    document.getElementById('codes-box').innerHTML = codesHtml(result.body.codes);
    document.getElementById('backup-count').textContent =
      `${result.body.codes.length} of 10 backup codes remaining.`;
    say('New backup codes generated: the old ones no longer work.', 'info');
  },
  async 'download-codes'(button) {
    await download(button.dataset.codes.split(','));
  },
  async 'revoke-device'(button) {
    const result = await api('DELETE', `/2fa/devices/${encodeURIComponent(button.dataset.device)}`);
    if (result.status === 200) location.reload();
    else say(explain(result.body), 'error');
  },
  async 'revoke-all'() {
    const result = await withStepUp(() => api('POST', '/2fa/devices/revoke-all', {}));
    if (result.status === 200) location.reload();
    else say(explain(result.body), 'error');
  },
  async 'save-policy'() {
    const value = document.querySelector('input[name=frequency]:checked').value;
    const frequency = value === 'every-login' ? 'every-login' : { trustDays: Number(value) };
    const result = await withStepUp(() => api('PUT', '/2fa/policy', { frequency }));
    say(result.status === 200 ? 'Saved.' : explain(result.body), result.status === 200 ? 'info' : 'error');
  },
  async 'get-backup-code'(button) {
    const dialog = openDialog(
      'Get Backup Code',
      `<p>Generate a one-time backup code for <b>${esc(button.dataset.name)}</b>. It can be used once, expires after 30 minutes, and stops working when a newer code is generated.</p><div id="admin-code-box"></div>`,
      [
        { value: 'generate', label: 'Generate a Code' },
        { value: 'close', label: 'Close', secondary: true },
      ],
    );
    for (;;) {
      const choice = await dialog.choose();
      if (choice !== 'generate') return void dialog.close();
      const result = await withStepUp(() =>
        api('POST', `/2fa/admin/users/${encodeURIComponent(button.dataset.user)}/backup-code`, {}),
      );
      if (result.status !== 200) {
        dialog.say(explain(result.body));
        continue;
      }
      const expires = new Date(result.body.expiresAt);
      dialog.element.querySelector('#admin-code-box').innerHTML =
        `<p>Copy the code and share it with your agent:</p><p><code id="admin-code">${esc(result.body.code)}</code></p><p class="muted" id="admin-code-expiry">Expires at ${esc(expires.toLocaleTimeString())} (in 30 minutes).</p>`;
      dialog.element.querySelector('button[value=generate]').remove();
    }
  },
};

document.addEventListener('click', (event) => {
  const button = event.target.closest('[data-action]');
  if (!button || !actions[button.dataset.action]) return;
  event.preventDefault();
  actions[button.dataset.action](button).catch((error) => say(String(error), 'error'));
});

document.getElementById('code')?.addEventListener('keydown', (event) => {
  if (event.key === 'Enter') actions['verify-login']();
});
