import { type Catalogue, en, type Text, type TextArgs, type TextKey } from './en.js';
import { formatFor } from './format.js';
import { fr } from './fr.js';

const catalogues: Record<string, Partial<Catalogue>> = { en, fr };

/**
 * Adds or extends a language for every element: `registerMessages('de', { verify: 'Prüfen', ... })`.
 * Keys it does not give are in English.
 */
export function registerMessages(lang: string, texts: Partial<Catalogue>): void {
  catalogues[lang.toLowerCase()] = { ...catalogues[lang.toLowerCase()], ...texts };
}

/**
 * The text of `key` in `lang` (`fr-CA` falls back to `fr`, then English), the element's own
 * `overrides` first, formatted with `args`; undefined when none words it (an endpoint's code in
 * English: the answer's own `message` says it).
 */
export function translate(
  key: TextKey,
  lang: string,
  overrides: Partial<Catalogue> | undefined,
  args: TextArgs = {},
): string | undefined {
  const tag = lang.toLowerCase();
  const text: Text | undefined =
    overrides?.[key] ??
    catalogues[tag]?.[key] ??
    catalogues[tag.split('-')[0]!]?.[key] ??
    (en as Partial<Catalogue>)[key];
  return typeof text === 'function' ? text(args, formatFor(lang)) : text;
}
