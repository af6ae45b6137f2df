/** The numbers a text may show, formatted for the element's language through `Intl`. */
export interface Format {
  /** The plural category of `n` (`one`, `other`, ...: `Intl.PluralRules`). */
  plural(n: number): Intl.LDMLPluralRule;
  /** A time of day (`14:30`). */
  time(atMs: number): string;
  /** A date (`28 Nov 2026`). */
  date(atMs: number): string;
  /** A distance from now (`in 5 minutes`, `3 days ago`: `Intl.RelativeTimeFormat`). */
  relative(deltaMs: number): string;
  /** A countdown (`4:59`). */
  clock(ms: number): string;
}

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
];

/** The formatters of one language (`en`, `fr-CA`, ...). */
export function formatFor(lang: string): Format {
  const rules = new Intl.PluralRules(lang);
  const relative = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });
  const time = new Intl.DateTimeFormat(lang, { hour: 'numeric', minute: '2-digit' });
  const date = new Intl.DateTimeFormat(lang, { dateStyle: 'medium' });
  return {
    plural: (n) => rules.select(n),
    time: (at) => time.format(at),
    date: (at) => date.format(at),
    relative(delta) {
      const [unit, size] = UNITS.find(([, ms]) => Math.abs(delta) >= ms) ?? UNITS[3]!;
      return relative.format(Math.round(delta / size), unit);
    },
    clock(ms) {
      const seconds = Math.max(0, Math.ceil(ms / 1000));
      return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
    },
  };
}
