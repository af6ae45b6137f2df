import { stepUpWithSecurityKey } from '../client/security-key.js';
import type { AnyAnswer, FactorkitElement } from './base-element.js';
import { h } from './dom.js';

/**
 * Runs a change; when the server asks for a fresh second factor (403 `step-up-required`, or
 * codes it shows only then), asks for one in the "Confirm it's you" pop-up and runs it again.
 */
export async function withStepUp<A extends AnyAnswer>(
  el: FactorkitElement,
  action: () => Promise<A>,
): Promise<A> {
  const first = await action();
  const body = (first.body ?? {}) as Record<string, unknown>;
  const asked =
    (first.status === 403 && body['error'] === 'step-up-required') || body['stepUpRequired'] === true;
  return asked && (await stepUp(el)) ? action() : first;
}

/** The "Confirm it's you" pop-up: a code, an email or text-message code, or a security key. Resolves true once proven. */
export async function stepUp(el: FactorkitElement): Promise<boolean> {
  const started = await el.client.stepUp.start();
  if (started.status !== 200) return false;
  const { methods } = started.body;
  const code = el.codeField(el.t('codeLabel'));
  let proven = false;
  const finish = (answer: AnyAnswer, byKey = false) => {
    if (answer.status === 200) {
      proven = true;
      return popup.close();
    }
    popup.say(el.explain(answer, byKey));
  };
  const useKey = async () => {
    try {
      finish(await stepUpWithSecurityKey(el.client), true);
    } catch {
      popup.say(el.t('keyNoAnswer'));
    }
  };
  const sendCode = (send: () => Promise<AnyAnswer>) => async () => {
    const sent = await send();
    const body = sent.body as { ok?: boolean; sentTo?: string };
    if (sent.status === 200 && body.ok) popup.say(el.t('emailSent', { sentTo: body.sentTo ?? '' }), 'info');
    else popup.say(el.explain(sent));
  };
  const popup = el.dialog(
    el.t('stepUp'),
    [h('p', null, el.t('stepUpIntro')), code.field],
    [
      el.button(el.t('verify'), null, 'submit'),
      methods.includes('webauthn') && el.button(el.t('useKey'), () => void el.busy(popup.element, useKey)),
      methods.includes('email') &&
        el.button(el.t('sendEmail'), () => void el.busy(popup.element, sendCode(el.client.stepUp.email))),
      methods.includes('phone') &&
        el.button(el.t('sendText'), () => void el.busy(popup.element, sendCode(el.client.stepUp.phone))),
      el.button(el.t('cancel'), () => popup.close()),
    ],
    async () => finish(await el.client.stepUp.verify({ code: code.code() })),
  );
  await popup.closed;
  return proven;
}
