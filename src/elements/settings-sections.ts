import { addSecurityKey } from '../client/security-key.js';
import { askFirst } from './ask-first.js';
import { h } from './dom.js';
import { afterSetup, codeList, downloadCodes, type SettingsHost, showNewCodes } from './setup-flows.js';
import { withStepUp } from './step-up.js';

type Say = (text: string, kind?: 'error' | 'info') => void;
interface Key {
  id: string;
  label: string;
  createdAt: number;
  lastUsedAt: number | null;
}
interface Device {
  id: string;
  label: string;
  lastUsedAt: number;
  expiresAt: number;
}

/** The keys, each with Rename and Remove, and "Add a security key". */
export function keysSection(el: SettingsHost, keys: Key[], now: number, say: Say) {
  const rows = keys.map((key) =>
    h(
      'li',
      null,
      h('b', { part: 'key-label' }, key.label),
      ' ',
      h(
        'span',
        { class: 'muted' },
        el.t('keyDates', {
          createdAt: key.createdAt,
          lastUsedMs: key.lastUsedAt === null ? '' : key.lastUsedAt - now,
        }),
      ),
      h(
        'div',
        { class: 'row' },
        el.button(el.t('rename'), () => renameKey(el, key), 'secondary', {
          'aria-label': `${el.t('rename')}: ${key.label}`,
        }),
        el.button(
          el.t('remove'),
          el.act(() => removeKey(el, key, say)),
          'secondary',
          {
            'aria-label': `${el.t('remove')}: ${key.label}`,
          },
        ),
      ),
    ),
  );
  return h(
    'div',
    { class: 'method', part: 'method', 'data-method': 'webauthn' },
    h(
      'div',
      null,
      h('h3', null, el.t('webauthn')),
      h('p', { class: 'muted' }, keys.length ? el.t('keyCount', { n: keys.length }) : el.t('notSetUp')),
      keys.length ? h('ul', { part: 'keys' }, rows) : null,
    ),
    el.button(el.t('addKey'), () => addKey(el), 'primary'),
  );
}

function addKey(el: SettingsHost): void {
  const label = h('input', {
    name: 'label',
    maxLength: 64,
    value: el.t('defaultKeyName'),
    autofocus: true,
    part: 'input',
  });
  let result: { ok: boolean; backupCodes?: string[] } | null = null;
  const popup = el.dialog(
    el.t('addKey'),
    [h('p', null, el.t('keyIntro')), h('label', null, el.t('keyName'), label)],
    [el.button(el.t('add'), null, 'submit'), el.button(el.t('cancel'), () => popup.close())],
    async (say, close) => {
      try {
        const added = await withStepUp(el, () => addSecurityKey(el.client, { label: label.value.trim() }));
        if (added.status !== 200) return say(el.explain(added, true));
        result = added.body as typeof result;
        close();
      } catch {
        say(el.t('keyNoAnswer'));
      }
    },
  );
  void popup.closed.then(el.act(() => afterSetup(el, 'webauthn', result)));
}

function renameKey(el: SettingsHost, key: Key): void {
  const label = h('input', {
    name: 'label',
    maxLength: 64,
    value: key.label,
    autofocus: true,
    part: 'input',
  });
  const popup = el.dialog(
    el.t('rename'),
    [h('label', null, el.t('keyName'), label)],
    [el.button(el.t('save'), null, 'submit'), el.button(el.t('cancel'), () => popup.close())],
    async (say, close) => {
      const renamed = await el.client.webauthn.keys.update(key.id, { label: label.value.trim() });
      if (renamed.status !== 200) return say(el.explain(renamed));
      close();
      await el.changed('webauthn');
    },
  );
}

async function removeKey(el: SettingsHost, key: Key, say: Say) {
  const removed = await withStepUp(el, () => el.client.webauthn.keys.remove(key.id));
  if (removed.status !== 200) return say(el.explain(removed));
  await el.changed('webauthn');
}

/** "Backup codes": what is left, View Backup Codes, Generate new codes. */
export function backupSection(
  el: SettingsHost,
  status: { enabled: boolean; backupCodesRemaining: number },
  say: Say,
) {
  const box = h('div', { part: 'codes-box' });
  const view = async () => {
    const answer = await withStepUp(el, () => el.client.backupCodes.get());
    if (answer.status !== 200) return say(el.explain(answer));
    const { codes } = answer.body;
    box.replaceChildren(
      ...(codes
        ? [
            codeList(codes),
            el.button(
              el.t('download'),
              el.act(() => downloadCodes(el, codes)),
            ),
          ]
        : [h('p', { class: 'muted' }, el.t('codesHidden'))]),
    );
  };
  const regenerate = async () => {
    if (!(await askFirst(el, el.t('regenerateTitle'), el.t('regenerateIntro'), el.t('regenerate')))) return;
    const answer = await withStepUp(el, () => el.client.backupCodes.regenerate({}));
    if (answer.status !== 200) return say(el.explain(answer));
    await showNewCodes(el, answer.body.codes, el.t('regenerated'));
    await el.changed('backup-codes');
  };
  return h(
    'section',
    { 'aria-labelledby': 'codes-title', part: 'backup-codes' },
    h('h3', { id: 'codes-title' }, el.t('backupCodes')),
    h(
      'p',
      { class: 'muted' },
      status.enabled
        ? el.t('remaining', { remaining: status.backupCodesRemaining, total: 10 })
        : el.t('noCodesYet'),
    ),
    status.enabled &&
      h(
        'div',
        { class: 'row' },
        el.button(el.t('viewCodes'), el.act(view)),
        el.button(el.t('regenerate'), el.act(regenerate)),
      ),
    box,
  );
}

/** "Trusted browsers": each with Revoke, this one marked, and Revoke all. */
export function devicesSection(
  el: SettingsHost,
  devices: Device[],
  current: string | null,
  now: number,
  say: Say,
) {
  const act = async (
    call: () => Promise<{ status: number; body: unknown; retryAfterSeconds: number | null }>,
  ) => {
    const answer = await withStepUp(el, call);
    if (answer.status !== 200) return say(el.explain(answer));
    await el.changed('devices');
  };
  const rows = devices.map((device) =>
    h(
      'li',
      null,
      h('b', null, device.label),
      device.id === current ? h('span', { class: 'tag' }, ` ${el.t('thisBrowser')}`) : null,
      h(
        'div',
        { class: 'muted' },
        el.t('deviceDates', { lastUsedMs: device.lastUsedAt - now, expiresAt: device.expiresAt }),
      ),
      el.button(
        el.t('revoke'),
        el.act(() => act(() => el.client.devices.remove(device.id))),
        'secondary',
        {
          'aria-label': `${el.t('revoke')}: ${device.label}`,
        },
      ),
    ),
  );
  return h(
    'section',
    { 'aria-labelledby': 'devices-title', part: 'devices' },
    h('h3', { id: 'devices-title' }, el.t('devices')),
    devices.length
      ? [
          h('ul', null, rows),
          el.button(
            el.t('revokeAll'),
            el.act(() => act(() => el.client.devices.revokeAll())),
          ),
        ]
      : h('p', { class: 'muted' }, el.t('noDevices')),
  );
}
