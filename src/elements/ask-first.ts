import type { FactorkitElement } from './base-element.js';
import { h } from './dom.js';

/**
 * A pop-up that asks before a change that cannot be undone (turning a method off, new backup
 * codes voiding the old): resolves true once `label` is chosen, false on Cancel or Escape.
 */
export async function askFirst(el: FactorkitElement, title: string, text: string, label: string) {
  let confirmed = false;
  const popup = el.dialog(
    title,
    [h('p', null, text)],
    [el.button(label, null, 'submit'), el.button(el.t('cancel'), () => popup.close())],
    (_say, close) => {
      confirmed = true;
      close();
    },
  );
  await popup.closed;
  return confirmed;
}
