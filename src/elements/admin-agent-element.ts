import { FactorkitElement } from './base-element.js';
import { h } from './dom.js';
import { withStepUp } from './step-up.js';

/**
 * `<factorkit-admin-agent user-id="..." user-name="...">`: for an administrator's list of agents,
 * "Get Backup Code" (the pop-up: generate a one-time code, copy it, its expiry shown) and
 * "Reset 2FA" (every method of the agent off). The actions need a fresh second factor of the
 * administrator, asked for first.
 *
 * Event: `changed` (`detail`: `{ what: 'admin-code' | 'reset', userId }`).
 */
export class FactorkitAdminAgent extends FactorkitElement {
  static override observedAttributes = ['lang', 'base-url', 'user-id', 'user-name'];

  get userId(): string {
    return this.getAttribute('user-id') ?? '';
  }

  get userName(): string {
    return this.getAttribute('user-name') ?? this.userId;
  }

  async refresh(): Promise<void> {
    const name = this.userName;
    this.show(
      null,
      h(
        'div',
        { class: 'row' },
        this.button(this.t('getBackupCode'), () => this.getCode(), 'secondary', {
          'aria-label': `${this.t('getBackupCode')} ${this.t('forUser', { name })}`,
        }),
        this.button(this.t('reset'), () => this.reset(), 'secondary', {
          'aria-label': `${this.t('reset')} ${this.t('forUser', { name })}`,
        }),
      ),
    );
  }

  /** "Get Backup Code": Generate a Code, then the code with Copy and its expiry. */
  private getCode(): void {
    const box = h('div', { part: 'code-box' });
    const generate = this.button(this.t('generate'), null, 'submit');
    const popup = this.dialog(
      this.t('getBackupCode'),
      [h('p', null, this.t('adminIntro', { name: this.userName })), box],
      [generate, this.button(this.t('close'), () => popup.close())],
      async (say) => {
        const issued = await withStepUp(this, () => this.client.admin.users.backupCode(this.userId));
        if (issued.status !== 200) return say(this.explain(issued));
        const { code, expiresAt } = issued.body;
        // The server's clock says when it ends; the distance is counted from the answer's own Date.
        const served = Date.parse(issued.headers.get('date') ?? '') || Date.now();
        const copy = this.button(
          this.t('copy'),
          () => void navigator.clipboard?.writeText(code).then(() => say(this.t('copied'), 'info')),
        );
        box.replaceChildren(
          h('p', null, this.t('shareCode')),
          h('p', null, h('code', { part: 'admin-code' }, code), ' ', copy),
          h(
            'p',
            { class: 'muted', part: 'expiry' },
            this.t('expires', { expiresAt, inMs: expiresAt - served }),
          ),
        );
        generate.remove();
        copy.focus();
        this.emit('changed', { what: 'admin-code', userId: this.userId });
      },
    );
  }

  /** "Reset 2FA", confirmed in a pop-up. */
  private reset(): void {
    const popup = this.dialog(
      this.t('reset'),
      [h('p', null, this.t('resetIntro', { name: this.userName }))],
      [this.button(this.t('reset'), null, 'submit'), this.button(this.t('cancel'), () => popup.close())],
      async (say) => {
        const reset = await withStepUp(this, () => this.client.admin.users.reset(this.userId));
        if (reset.status !== 200) return say(this.explain(reset));
        say(this.t('resetDone'), 'info');
        popup.element.querySelector<HTMLButtonElement>('button[type=submit]')?.remove();
        this.emit('changed', { what: 'reset', userId: this.userId });
      },
    );
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'factorkit-admin-agent': FactorkitAdminAgent;
  }
}
