import { askFirst } from './ask-first.js';
import { FactorkitElement } from './base-element.js';
import { h } from './dom.js';
import { backupSection, devicesSection, keysSection } from './settings-sections.js';
import { type SettingsHost, setUpApp, setUpEmail, setUpPhone } from './setup-flows.js';
import { withStepUp } from './step-up.js';

/** The methods shown as a row with Set up / Turn off. */
type MethodRow = 'email' | 'totp' | 'phone';

/**
 * `<factorkit-settings>`: Profile > User Setting > Two-Factor Authentication. Each method with
 * Set up / Turn off (email: the address and its code; the app: "Link the app to your account"
 * with its QR code and typed secret, then its first code; text messages: the number and its code,
 * when the host offers them), security keys (add, rename, remove) when the host offers them, backup codes (view, download as the API's file, generate new ones,
 * "I have saved these codes" before a new set goes), trusted browsers (revoke one or all). A
 * change that needs a fresh second factor asks for one ("Confirm it's you") first.
 *
 * Attributes `email-address` and `phone-number` offer what the host knows in the setup pop-ups
 * (the user may change it).
 *
 * Event: `changed` (`detail.what`: `email`, `totp`, `phone`, `webauthn`, `backup-codes`, `devices`).
 */
export class FactorkitSettings extends FactorkitElement implements SettingsHost {
  async refresh(): Promise<void> {
    const client = this.client;
    const [status, keys, devices] = await Promise.all([
      client.status.get(),
      client.webauthn.keys.get(),
      client.devices.get(),
    ]);
    if (status.status !== 200) {
      this.show('settingsTitle')(this.explain(status));
      return;
    }
    const now = Date.now();
    const { email, totp, phone, enabled, backupCodesRemaining } = status.body;
    let say = (_text: string, _kind?: 'error' | 'info') => {};
    const tell = (text: string, kind?: 'error' | 'info') => say(text, kind);
    const method = (id: MethodRow, on: boolean, detail: string | null, setUp: () => void) =>
      h(
        'div',
        { class: 'method', part: 'method', 'data-method': id },
        h(
          'div',
          null,
          h('h3', null, this.t(id)),
          h(
            'p',
            { class: 'muted' },
            on ? [this.t('enabled'), detail ? ` · ${detail}` : ''] : this.t('notSetUp'),
          ),
        ),
        on
          ? this.button(
              this.t('turnOff'),
              this.act(() => this.turnOff(id, tell)),
              'secondary',
              {
                'aria-label': `${this.t('turnOff')}: ${this.t(id)}`,
              },
            )
          : this.button(this.t('setUp'), setUp, 'primary', {
              'aria-label': `${this.t('setUp')}: ${this.t(id)}`,
            }),
      );
    say = this.show(
      'settingsTitle',
      h(
        'div',
        { part: 'methods' },
        method('email', email !== null, email, () => setUpEmail(this)),
        method(
          'totp',
          totp,
          null,
          this.act(() => setUpApp(this, tell)),
        ),
        // Absent while the host has not turned text messages on.
        phone !== undefined ? method('phone', phone !== null, phone, () => setUpPhone(this)) : null,
        keys.status === 200 ? keysSection(this, keys.body.keys, now, tell) : null,
      ),
      backupSection(this, { enabled, backupCodesRemaining }, tell),
      devices.status === 200
        ? devicesSection(this, devices.body.devices, devices.body.current, now, tell)
        : null,
    );
  }

  /** Turns a method off (asked first, then after a step-up), then refreshes. */
  private async turnOff(method: MethodRow, say: (text: string) => void) {
    const title = this.t('turnOffTitle', { method: this.t(method) });
    if (!(await askFirst(this, title, this.t('turnOffIntro'), this.t('turnOff')))) return;
    const answer = await withStepUp(this, () => this.client.disable({ method }));
    if (answer.status !== 200) return say(this.explain(answer));
    await this.changed(method);
  }

  /** A click handler running `work` with the settings' buttons held, its failure said in the card. */
  act(work: () => unknown): () => void {
    return () => void this.busy(this.root.querySelector('section') ?? this, work);
  }

  /** Reloads what the element shows and tells the page (`changed`). */
  async changed(what: string): Promise<void> {
    await this.refresh();
    // The pop-up's opener was redrawn: keyboard focus goes back to the row that changed.
    const row = this.root.querySelector<HTMLElement>(
      `[data-method="${what}"] button, [part~="${what}"] button`,
    );
    (row ?? this.root.querySelector<HTMLElement>('button'))?.focus();
    this.emit('changed', { what });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'factorkit-settings': FactorkitSettings;
  }
}
