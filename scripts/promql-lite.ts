/**
 * Just enough PromQL to draw docs/grafana-dashboard.json's panels from Prometheus scrapes, without a
 * Prometheus server: the exposition text format, `rate(m{l="v"}[w])`, `sum by (...)` and
 * `histogram_quantile(q, ...)` (linear within a bucket, as Prometheus computes it). Anything else is
 * refused rather than guessed.
 */

/** One scrape: when (s), and every sample's value by series key (`name{a="b",...}`). */
export interface Scrape {
  t: number;
  samples: Map<string, { name: string; labels: Record<string, string>; value: number }>;
}

/** Parses the Prometheus text format (comments skipped). */
export function parseExposition(text: string, t: number): Scrape {
  const samples: Scrape['samples'] = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = line.match(/^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, k, v] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[k!] = v!;
    samples.set(line.slice(0, line.lastIndexOf(' ')), { name: match[1]!, labels, value: Number(match[3]) });
  }
  return { t, samples };
}

/** A series of one panel: its legend and a value per scrape time (null where undefined). */
export interface Series {
  legend: string;
  values: Array<number | null>;
}

const SUM_RATE = /^sum by \(([\w, ]+)\) \(rate\((\w+)(?:\{(.*)\})?\[\$__rate_interval\]\)\)$/;
const QUANTILE = /^histogram_quantile\(([\d.]+), (.+)\)$/;

/** Evaluates `expr` at every scrape time with a rate window of `windowS` seconds. */
export function evaluate(expr: string, scrapes: Scrape[], windowS: number, legendFormat: string): Series[] {
  const quantile = expr.match(QUANTILE);
  const inner = quantile ? quantile[2]! : expr;
  const m = inner.match(SUM_RATE);
  if (!m) throw new Error(`promql-lite cannot evaluate: ${expr}`);
  const by = m[1]!.split(',').map((s) => s.trim());
  const matchers = [...(m[3] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map(([, k, v]) => [k!, v!] as const);
  const groups = new Map<string, { labels: Record<string, string>; values: Array<number | null> }>();
  scrapes.forEach((scrape, i) => {
    const before = scrapes.findLast((s) => s.t <= scrape.t - windowS);
    if (!before) return;
    for (const [key, sample] of scrape.samples) {
      if (sample.name !== m[2] || !matchers.every(([k, v]) => sample.labels[k] === v)) continue;
      const earlier = before.samples.get(key)?.value ?? 0;
      // A counter that went down was reset: count from zero (Prometheus's rule).
      const increase = sample.value >= earlier ? sample.value - earlier : sample.value;
      const labels = Object.fromEntries(by.map((l) => [l, sample.labels[l] ?? '']));
      const group = JSON.stringify(labels);
      const entry = groups.get(group) ?? { labels, values: scrapes.map(() => null) };
      entry.values[i] = (entry.values[i] ?? 0) + increase / (scrape.t - before.t);
      groups.set(group, entry);
    }
  });
  const legend = (labels: Record<string, string>) =>
    legendFormat.replace(/\{\{(\w+)\}\}/g, (_, name: string) => labels[name] ?? '');
  if (!quantile) return [...groups.values()].map((g) => ({ legend: legend(g.labels), values: g.values }));
  return quantiles(Number(quantile[1]), [...groups.values()], by, legend, scrapes.length);
}

/** `histogram_quantile` over rate groups that include `le`. */
function quantiles(
  q: number,
  groups: Array<{ labels: Record<string, string>; values: Array<number | null> }>,
  by: string[],
  legend: (labels: Record<string, string>) => string,
  length: number,
): Series[] {
  const rest = by.filter((l) => l !== 'le');
  const histograms = new Map<string, { labels: Record<string, string>; buckets: typeof groups }>();
  for (const g of groups) {
    const labels = Object.fromEntries(rest.map((l) => [l, g.labels[l]!]));
    const key = JSON.stringify(labels);
    const h = histograms.get(key) ?? { labels, buckets: [] };
    h.buckets.push(g);
    histograms.set(key, h);
  }
  return [...histograms.values()].map(({ labels, buckets }) => {
    const sorted = buckets
      .map((b) => ({ le: b.labels['le'] === '+Inf' ? Infinity : Number(b.labels['le']), values: b.values }))
      .sort((a, b) => a.le - b.le);
    const values = Array.from({ length }, (_, i) => {
      const counts = sorted.map((b) => b.values[i] ?? 0);
      const total = counts.at(-1) ?? 0;
      if (total <= 0) return null;
      const rank = q * total;
      const at = counts.findIndex((c) => c >= rank);
      const upper = sorted[at]!.le;
      if (upper === Infinity) return sorted[at - 1]?.le ?? null;
      const lower = at === 0 ? 0 : sorted[at - 1]!.le;
      const below = at === 0 ? 0 : counts[at - 1]!;
      return lower + ((upper - lower) * (rank - below)) / (counts[at]! - below || 1);
    });
    return { legend: legend(labels), values };
  });
}
