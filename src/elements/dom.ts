/** What `h` takes as a child: text, a node, nothing, or a list of them. */
export type Child = Node | string | null | undefined | false | Child[];

/**
 * Builds an element: `h('button', { type: 'submit', onclick }, 'Verify')`. Keys starting with
 * `on` are listeners, `class`, `part`, `for`, `aria-*`, `data-*` and `role` attributes, anything
 * else a property. Text is always a text node: nothing a server sends is parsed as HTML.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Record<string, unknown> | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) element.addEventListener(key.slice(2), value as EventListener);
    else if (ATTRIBUTES.test(key)) element.setAttribute(key, value === true ? '' : String(value));
    else (element as unknown as Record<string, unknown>)[key] = value;
  }
  element.append(...flat(children));
  return element;
}

const ATTRIBUTES = /^(class|part|for|role|id|aria-|data-|autocomplete|inputmode|name|form|lang)/;

const flat = (children: Child[]): Array<Node | string> =>
  children.flatMap((child) => (Array.isArray(child) ? flat(child) : child ? [child] : []));

/**
 * A typed code as the endpoints take it: a numeric code pasted as `123 456` or `123-456` loses
 * its separators (the app's and email's codes are digits); a backup code keeps them (the server
 * reads `abcd-efgh` and `abcd efgh` alike).
 */
export function typedCode(text: string): string {
  const trimmed = text.trim();
  return /^[\d\s-]+$/.test(trimmed) ? trimmed.replace(/\D/g, '') : trimmed;
}

/** Saves text as a file: a link to a Blob with `download`, clicked inside `parent` (the shadow root). */
export function saveFile(text: string, filename: string, parent: ParentNode): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  const link = h('a', { href: url, download: filename, hidden: true });
  parent.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
