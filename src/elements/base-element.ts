import { createTwoFactorClient } from '../client/create-client.js';
import type { TwoFactorClient } from '../client/endpoints.js';
import { type Child, h, typedCode } from './dom.js';
import { translate } from './messages/catalogues.js';
import type { Catalogue, TextArgs, TextKey } from './messages/en.js';
import { styleSheet } from './styles.js';

/** What every call of the client resolves to, as the elements read it. */
export interface AnyAnswer {
  status: number;
  body: unknown;
  retryAfterSeconds: number | null;
}

/** A place that shows one message at a time and announces it (`role="alert"`). */
export type Say = (text: string, kind?: 'error' | 'info') => void;

/**
 * What the elements share: an open shadow root with the shared style sheet, the client (from
 * `base-url`, default `/2fa`, or the `client` property), texts in the `lang` of the element or
 * the closest ancestor with one (English by default; the `messages` property overrides any),
 * events that cross the shadow boundary, and pop-ups (`<dialog>`) that trap focus and announce.
 */
export abstract class FactorkitElement extends HTMLElement {
  static observedAttributes = ['lang', 'base-url'];
  /** Texts replacing the catalogue's, for this element. */
  messages: Partial<Catalogue> = {};
  protected readonly root: ShadowRoot;
  #client: TwoFactorClient | null = null;

  constructor() {
    super();
    this.root = this.attachShadow({ mode: 'open' });
    this.root.adoptedStyleSheets = [styleSheet()];
    this.root.append(this.#content);
  }

  /** What `show` replaces; pop-ups open beside it. */
  #content = h('div', { part: 'content' });

  /** The client the element calls (set it to share one, or to reach another origin). */
  get client(): TwoFactorClient {
    this.#client ??= createTwoFactorClient({ baseUrl: this.getAttribute('base-url') ?? '/2fa' });
    return this.#client;
  }
  set client(client: TwoFactorClient) {
    this.#client = client;
  }

  connectedCallback(): void {
    void this.busy(this.#content, () => this.refresh());
  }

  attributeChangedCallback(name: string, before: string | null, after: string | null): void {
    if (name === 'base-url') this.#client = null;
    if (before !== after && this.isConnected) void this.busy(this.#content, () => this.refresh());
  }

  /** Loads what the element shows and renders it. */
  abstract refresh(): Promise<void>;

  /** The language of the texts: this element's `lang`, else its closest ancestor's, else English. */
  get language(): string {
    return this.closest('[lang]')?.getAttribute('lang') || 'en';
  }

  /** A text of the catalogue (its key when no catalogue has it). */
  t(key: TextKey, args?: TextArgs): string {
    return translate(key, this.language, this.messages, args) ?? key;
  }

  /** Tells the page (events bubble out of the shadow root). */
  emit(type: string, detail: unknown = null): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  /** Shows `children` as the element's content, under its heading, with a message region. */
  show(title: TextKey | null, ...children: Child[]): Say {
    const message = messageRegion();
    const heading = title ? h('h2', { part: 'title', id: 'title' }, this.t(title)) : null;
    this.#content.replaceChildren(
      h(
        'section',
        { class: 'card', part: 'card', 'aria-labelledby': title ? 'title' : null },
        heading,
        children,
        message.node,
      ),
    );
    return message.say;
  }

  /**
   * The words for a refusal: the catalogue's for its code in the element's language when it has
   * them, else the answer's own `message` (the server's catalogue), else "Something went wrong".
   */
  explain(answer: AnyAnswer, byKey = false): string {
    const body = (answer.body ?? {}) as Record<string, unknown>;
    const code = String(body['reason'] ?? body['error'] ?? 'internal');
    const args: Record<string, string | number> = { retryMs: (answer.retryAfterSeconds ?? 0) * 1000 };
    for (const key of ['attemptsLeft', 'field', 'maxKeys'] as const) {
      if (body[key] !== undefined) args[key] = body[key] as string | number;
    }
    const key = (byKey && code === 'invalid-code' ? 'key-refused' : code) as TextKey;
    const own = translate(key, this.language, this.messages, args);
    return own ?? (typeof body['message'] === 'string' ? body['message'] : this.t('internal'));
  }

  /**
   * A pop-up: a modal `<dialog>` labelled by its title, a form (Enter submits `onSubmit`), a
   * message region inside it (the page behind is inert). Resolves when it closes.
   */
  dialog(
    title: string,
    body: Child[],
    actions: Child[],
    onSubmit: (say: Say, close: () => void, form: HTMLFormElement) => void | Promise<void>,
  ): { element: HTMLDialogElement; say: Say; closed: Promise<void>; close: () => void } {
    const message = messageRegion();
    const id = `d${Math.random().toString(36).slice(2, 8)}`;
    const form = h(
      'form',
      { onsubmit: (event: Event) => submit(event) },
      body,
      message.node,
      h('div', { class: 'row' }, actions),
    );
    const element = h(
      'dialog',
      { part: 'dialog', 'aria-labelledby': id },
      h('h2', { id, part: 'title' }, title),
      form,
    );
    const close = () => element.close();
    const submit = async (event: Event) => {
      event.preventDefault();
      await this.busy(form, () => onSubmit(message.say, close, form));
    };
    this.root.append(element);
    const closed = new Promise<void>((resolve) =>
      element.addEventListener('close', () => {
        element.remove();
        resolve();
      }),
    );
    element.showModal();
    return { element, say: message.say, closed, close };
  }

  /** Holds buttons disabled (through any `busy`) until released: a lock, an ended login. */
  hold(buttons: Iterable<HTMLButtonElement>, held: boolean): void {
    for (const button of buttons) {
      button.toggleAttribute('data-held', held);
      button.disabled = held;
    }
  }

  /** Runs `work` with the buttons of `scope` disabled (no double submit) and `aria-busy` set. */
  async busy<T>(scope: ParentNode & Element, work: () => Promise<T> | T): Promise<T | undefined> {
    const buttons = [...scope.querySelectorAll('button')].filter((b) => !b.disabled);
    for (const button of buttons) button.disabled = true;
    scope.setAttribute('aria-busy', 'true');
    try {
      return await work();
    } catch (error) {
      // No answer came (the network, a proxy): said where the user looks, and left to the console.
      this.failed(scope, error);
      return undefined;
    } finally {
      for (const button of buttons) button.disabled = button.hasAttribute('data-held');
      scope.removeAttribute('aria-busy');
    }
  }

  /** "Something went wrong" in the message region of `scope`'s pop-up or card; the error to the console. */
  private failed(scope: Element, error: unknown): void {
    const region = (scope.closest('dialog, section') ?? scope).querySelector('.message');
    if (!region) this.show(null)(this.t('internal'));
    else {
      region.textContent = this.t('internal');
      region.className = 'message error';
    }
    console.error('[factorkit] [elements]', error);
  }

  /** A button (`part="button"`); `secondary` ones are outlined, `submit` ones submit their form. */
  button(
    label: string,
    onclick: (() => void) | null,
    kind: 'submit' | 'secondary' | 'primary' = 'secondary',
    extra: Record<string, unknown> = {},
  ): HTMLButtonElement {
    const type = kind === 'submit' ? 'submit' : 'button';
    return h(
      'button',
      { type, class: kind === 'secondary' ? 'secondary' : null, part: 'button', onclick, ...extra },
      label,
    );
  }

  /** A labelled code input: one-time-code autocompletion, any paste (spaces and dashes are fine). */
  codeField(label: string): { field: HTMLLabelElement; input: HTMLInputElement; code(): string } {
    const input = h('input', {
      name: 'code',
      autocomplete: 'one-time-code',
      inputmode: 'text',
      spellcheck: false,
      required: true,
      maxLength: 64,
      part: 'input',
      autofocus: true,
    });
    return { field: h('label', null, label, input), input, code: () => typedCode(input.value) };
  }
}

/** A paragraph that announces what it is given (`role="alert"`), empty and hidden until then. */
function messageRegion(): { node: HTMLElement; say: Say } {
  const node = h('p', { class: 'message', part: 'message', role: 'alert' });
  return {
    node,
    say(text, kind = 'error') {
      node.textContent = text;
      node.className = `message ${kind}`;
    },
  };
}

/** Defines a custom element once (a page may load the same element from two bundles). */
export function define(name: string, element: CustomElementConstructor): void {
  if (!customElements.get(name)) customElements.define(name, element);
}
