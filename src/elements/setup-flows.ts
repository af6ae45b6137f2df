import type { AnyAnswer, FactorkitElement } from './base-element.js';
import { type Child, h, saveFile } from './dom.js';
import { withStepUp } from './step-up.js';

/** Where a settings flow reports back: refresh and tell the page what changed. */
export interface SettingsHost extends FactorkitElement {
  changed(what: string): Promise<void>;
  /** A click handler running `work` with the element's buttons held (see `busy`). */
  act(work: () => unknown): () => void;
}

type Confirmed = { ok: boolean; backupCodes?: string[] };

/** "Email authentication > Set up": the address, a code sent to it, the code confirmed. */
export function setUpEmail(el: SettingsHost): void {
  const address = destination('email', 'address', 'email', el.getAttribute('email-address'));
  setUpSentCode(el, 'email', address, [h('label', null, el.t('address'), address)], {
    send: (to) => el.client.email.setup({ address: to }),
    confirm: (code) => el.client.email.confirm({ code }),
  });
}

/** "Text message (SMS) authentication > Set up": the number (the weakest method, said), its code. */
export function setUpPhone(el: SettingsHost): void {
  const number = destination('tel', 'number', 'tel', el.getAttribute('phone-number'));
  const fields = [
    h('p', { class: 'muted' }, el.t('phoneNote')),
    h('label', null, el.t('phoneNumber'), number),
  ];
  setUpSentCode(el, 'phone', number, fields, {
    send: (to) => el.client.phone.setup({ number: to }),
    confirm: (code) => el.client.phone.confirm({ code }),
  });
}

/** Where a code goes: typed, or offered from the host's attribute (`email-address`, `phone-number`). */
const destination = (type: string, name: string, autocomplete: string, offered: string | null) =>
  h('input', {
    type,
    name,
    autocomplete,
    value: offered ?? '',
    required: true,
    autofocus: true,
    part: 'input',
  });

/** A method whose setup sends a code to what the user typed (an address, a number), then confirms it. */
function setUpSentCode(
  el: SettingsHost,
  method: 'email' | 'phone',
  to: HTMLInputElement,
  fields: Child[],
  calls: { send(to: string): Promise<AnyAnswer>; confirm(code: string): Promise<AnyAnswer> },
): void {
  const popup = el.dialog(
    el.t(method),
    fields,
    [el.button(el.t('sendCode'), null, 'submit'), el.button(el.t('cancel'), () => popup.close())],
    async (say, close) => {
      const sent = await withStepUp(el, () => calls.send(to.value.trim()));
      const body = sent.body as { ok?: boolean; sentTo?: string };
      if (sent.status !== 200 || !body.ok) return say(el.explain(sent));
      close();
      // These words say where the code went, whichever the channel.
      const intro = el.t('emailCodeIntro', { sentTo: body.sentTo ?? '' });
      await confirmCode(el, method, intro, calls.confirm);
    },
  );
}

/** "Authenticator app > Set up": "Link the app to your account" (QR code, secret), then its first code. */
export async function setUpApp(el: SettingsHost, say: (text: string) => void): Promise<void> {
  const setup = await withStepUp(el, () => el.client.totp.setup());
  if (setup.status !== 200) return say(el.explain(setup));
  const { qrSvg, secret } = setup.body;
  // An image, not markup: the SVG cannot run anything in the page.
  const qr = h('img', {
    class: 'qr',
    part: 'qr',
    alt: el.t('qr'),
    src: `data:image/svg+xml,${encodeURIComponent(qrSvg)}`,
  });
  const popup = el.dialog(
    el.t('linkApp'),
    [
      h('p', null, el.t('linkIntro')),
      qr,
      h('p', null, el.t('secretIntro')),
      h('p', null, h('code', { class: 'secret', part: 'secret' }, secret.replace(/(.{4})(?=.)/g, '$1 '))),
    ],
    [el.button(el.t('next'), null, 'submit'), el.button(el.t('cancel'), () => popup.close())],
    async (_say, close) => {
      close();
      await confirmCode(el, 'totp', el.t('appCodeIntro'), (code) => el.client.totp.confirm({ code }));
    },
  );
}

/** "Enter the Authentication Code": confirms a setup; the first method shows the backup codes. */
async function confirmCode(
  el: SettingsHost,
  method: string,
  intro: string,
  confirm: (code: string) => Promise<AnyAnswer>,
): Promise<void> {
  const code = el.codeField(el.t('sixDigits'));
  let result: Confirmed | null = null;
  const popup = el.dialog(
    el.t('enterCode'),
    [h('p', null, intro), code.field],
    [el.button(el.t('verify'), null, 'submit'), el.button(el.t('cancel'), () => popup.close())],
    async (say, close) => {
      const answer = await withStepUp(el, () => confirm(code.code()));
      if (answer.status !== 200) return say(el.explain(answer));
      result = answer.body as Confirmed;
      close();
    },
  );
  await popup.closed;
  await afterSetup(el, method, result);
}

/** After a method is on: the new backup codes (the first method), then the page refreshes. */
export async function afterSetup(el: SettingsHost, method: string, result: Confirmed | null): Promise<void> {
  if (!result) return;
  if (result.backupCodes) await showNewCodes(el, result.backupCodes, el.t('newCodesIntro'));
  await el.changed(method);
}

/**
 * "Your backup codes": the list, Download (the file the API makes), and "I have saved these
 * codes", which must be checked before the pop-up goes (Escape included).
 */
export async function showNewCodes(el: FactorkitElement, codes: string[], intro: string): Promise<void> {
  const saved = h('input', { type: 'checkbox', name: 'saved', required: true, part: 'checkbox' });
  const done = el.button(el.t('done'), null, 'submit', { disabled: true });
  saved.addEventListener('change', () => {
    done.disabled = !saved.checked;
  });
  const popup = el.dialog(
    el.t('newCodes'),
    [h('p', null, intro), codeList(codes), h('label', { class: 'inline' }, saved, el.t('saved'))],
    [done, el.button(el.t('download'), () => void el.busy(popup.element, () => downloadCodes(el, codes)))],
    (_say, close) => close(),
  );
  popup.element.addEventListener('cancel', (event) => {
    if (!saved.checked) event.preventDefault();
  });
  await popup.closed;
}

/** The codes, as an ordered list (`part="codes"`). */
export const codeList = (codes: string[]) =>
  h(
    'ol',
    { class: 'codes', part: 'codes' },
    codes.map((code) => h('li', null, h('code', null, code))),
  );

/** Saves the codes as the file the API makes (`POST /backup-codes/download`). */
export async function downloadCodes(el: FactorkitElement, codes: string[]): Promise<void> {
  const file = await el.client.backupCodes.download({ codes });
  if (file.status !== 200) return;
  const name = /filename="([^"]+)"/.exec(file.headers.get('content-disposition') ?? '')?.[1];
  saveFile(file.body, name ?? 'backup-codes.txt', el.shadowRoot!);
}
