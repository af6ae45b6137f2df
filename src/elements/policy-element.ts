import { FactorkitElement } from './base-element.js';
import { h } from './dom.js';
import { withStepUp } from './step-up.js';

/**
 * `<factorkit-policy trust-days="14">`: Global Settings > Security > 2FA Authentication, the
 * frequency of two-factor authentication at login: every login, or skipped for `trust-days`
 * (default 14, or the policy's own) on a trusted browser. Saving needs an administrator with a
 * fresh second factor (asked for first).
 *
 * Event: `changed` (`detail`: `{ what: 'policy', frequency }`).
 */
export class FactorkitPolicy extends FactorkitElement {
  static override observedAttributes = ['lang', 'base-url', 'trust-days'];

  async refresh(): Promise<void> {
    const policy = await this.client.policy.get();
    if (policy.status !== 200) {
      this.show('frequency')(this.explain(policy));
      return;
    }
    const { frequency } = policy.body;
    const days =
      typeof frequency === 'object' ? frequency.trustDays : Number(this.getAttribute('trust-days') ?? 14);
    const radio = (value: string, label: string, checked: boolean) =>
      h(
        'label',
        { class: 'inline' },
        h('input', { type: 'radio', name: 'frequency', value, checked, part: 'radio' }),
        label,
      );
    const form: HTMLFormElement = h(
      'form',
      { onsubmit: (event: Event) => void this.save(event, form, days) },
      h(
        'fieldset',
        { part: 'fieldset', 'aria-labelledby': 'title' },
        radio('every-login', this.t('everyLogin'), frequency === 'every-login'),
        radio('days', this.t('skipDays', { days }), frequency !== 'every-login'),
      ),
      h('p', { class: 'muted' }, this.t('frequencyNote')),
      h('div', { class: 'row' }, this.button(this.t('save'), null, 'submit')),
    );
    this.say = this.show('frequency', form);
  }

  private say: (text: string, kind?: 'error' | 'info') => void = () => {};

  private async save(event: Event, form: HTMLFormElement, days: number) {
    event.preventDefault();
    const choice = new FormData(form).get('frequency');
    const frequency = choice === 'every-login' ? ('every-login' as const) : { trustDays: days };
    await this.busy(form, async () => {
      const saved = await withStepUp(this, () => this.client.policy.update({ frequency }));
      if (saved.status !== 200) return this.say(this.explain(saved));
      this.say(this.t('policySaved'), 'info');
      this.emit('changed', { what: 'policy', frequency });
    });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'factorkit-policy': FactorkitPolicy;
  }
}
