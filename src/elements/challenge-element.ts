import { signInWithSecurityKey } from '../client/security-key.js';
import { type AnyAnswer, FactorkitElement, type Say } from './base-element.js';
import { h } from './dom.js';

/**
 * `<factorkit-challenge>`: the "Input Authentication Code" page of a login. It offers what the
 * pending login offers (a code; the email or text-message code, with its cooldown; a security key; "trust this
 * browser" when the org policy skips trusted browsers), shows the attempts left, and on a lock
 * "Please try again in five minutes." with a live countdown from `Retry-After`: at once when the
 * page opens during a lock (the pending login reports it).
 *
 * Events: `signed-in` (`detail.method`) once the code is accepted; `ended` (`detail.reason`) when
 * the login must start again from the password (the challenge ended, expired, or there is none).
 *
 * @example
 * <factorkit-challenge base-url="/2fa" lang="fr"></factorkit-challenge>
 * <script type="module">
 *   import 'factorkit/elements/challenge';
 *   document.querySelector('factorkit-challenge').addEventListener('signed-in', () => location.assign('/'));
 * </script>
 */
export class FactorkitChallenge extends FactorkitElement {
  #timer: ReturnType<typeof setInterval> | undefined;

  disconnectedCallback(): void {
    clearInterval(this.#timer);
  }

  async refresh(): Promise<void> {
    clearInterval(this.#timer);
    const pending = await this.client.login.get();
    if (pending.status !== 200) {
      this.end(this.show('challengeTitle'), pending);
      return;
    }
    const { methods, trustDays } = pending.body;
    const code = this.codeField(this.t('codeLabel'));
    const remember = trustDays ? h('input', { type: 'checkbox', name: 'remember', part: 'checkbox' }) : null;
    const timer = h('p', { role: 'timer', class: 'muted', part: 'countdown', hidden: true });
    const verify = this.button(this.t('verify'), null, 'submit');
    const key = methods.includes('webauthn')
      ? this.button(
          this.t('useKey'),
          () => void this.busy(form, () => this.useKey(remember?.checked === true)),
        )
      : null;
    const email = methods.includes('email')
      ? this.button(
          this.t('sendEmail'),
          () => void this.busy(form, () => this.sendCode(this.client.login.email)),
        )
      : null;
    const text = methods.includes('phone')
      ? this.button(
          this.t('sendText'),
          () => void this.busy(form, () => this.sendCode(this.client.login.phone)),
        )
      : null;
    const form = h(
      'form',
      { onsubmit: (event: Event) => this.submit(event, form, code.code(), remember?.checked === true) },
      h(
        'p',
        null,
        this.t('challengeIntro'),
        methods.includes('backup-code') ? ` ${this.t('backupHint')}` : '',
      ),
      code.field,
      remember && h('label', { class: 'inline' }, remember, this.t('remember', { days: trustDays ?? 0 })),
      h('div', { class: 'row' }, verify, key, email, text),
      timer,
    );
    this.say = this.show('challengeTitle', form);
    this.#lockable = [verify, ...(key ? [key] : [])];
    this.#countdown = timer;
    code.input.focus();
    // Locked already (the page was reloaded during a lock): the words and the countdown at once.
    if (pending.body.locked)
      this.answered({ ...pending, status: 429, body: { reason: 'locked', ...pending.body } });
  }

  private say: Say = () => {};
  #lockable: HTMLButtonElement[] = [];
  #countdown: HTMLElement | null = null;

  private async submit(event: Event, form: HTMLFormElement, code: string, rememberDevice: boolean) {
    event.preventDefault();
    await this.busy(form, async () =>
      this.answered(await this.client.login.verify({ code, rememberDevice })),
    );
  }

  private async useKey(rememberDevice: boolean) {
    try {
      this.answered(await signInWithSecurityKey(this.client, { rememberDevice }), true);
    } catch {
      this.say(this.t('keyNoAnswer'));
    }
  }

  /** "Send code by email" or "by text message": where it went, or why not. */
  private async sendCode(send: () => Promise<AnyAnswer>) {
    const sent = await send();
    const body = sent.body as { ok?: boolean; sentTo?: string };
    if (sent.status === 200 && body.ok) this.say(this.t('emailSent', { sentTo: body.sentTo ?? '' }), 'info');
    else if (!this.end(this.say, sent)) this.say(this.explain(sent));
  }

  /** A proof's answer: signed in, a lock with its countdown, the login ended, or the words. */
  private answered(answer: AnyAnswer, byKey = false) {
    const body = answer.body as { method?: string; reason?: string };
    if (answer.status === 200) {
      this.show('challengeTitle', h('p', null, this.t('signedIn')));
      return this.emit('signed-in', { method: body.method });
    }
    if (this.end(this.say, answer)) return;
    this.say(this.explain(answer, byKey));
    if (answer.status === 429 && answer.retryAfterSeconds) this.lock(answer.retryAfterSeconds * 1000);
  }

  /** Verify and the key wait out the lock; a `role="timer"` counts down, and the end is announced. */
  private lock(ms: number) {
    const until = Date.now() + ms;
    const timer = this.#countdown!;
    const tick = () => {
      const left = until - Date.now();
      if (left > 0) {
        timer.textContent = this.t('retryIn', { retryMs: left });
        return;
      }
      clearInterval(this.#timer);
      timer.hidden = true;
      this.hold(this.#lockable, false);
      this.say(this.t('retryNow'), 'info');
    };
    this.hold(this.#lockable, true);
    timer.hidden = false;
    tick();
    clearInterval(this.#timer);
    this.#timer = setInterval(tick, 1000);
  }

  /** An answer that ends the login (no pending login, the challenge ended or expired): says so, emits `ended`. */
  private end(say: Say, answer: AnyAnswer): boolean {
    const body = answer.body as { reason?: string; error?: string };
    const reason = body.reason ?? body.error ?? '';
    if (!ENDED.has(reason)) return false;
    clearInterval(this.#timer);
    this.hold(this.root.querySelectorAll('button'), true);
    say(this.explain(answer));
    this.emit('ended', { reason });
    return true;
  }
}

const ENDED = new Set([
  'challenge-ended',
  'expired',
  'unknown-challenge',
  // A step-up's fifth wrong code signed the session out (issue 19).
  'session-ended',
  'no-pending-login',
  'not-signed-in',
]);

declare global {
  interface HTMLElementTagNameMap {
    'factorkit-challenge': FactorkitChallenge;
  }
}
