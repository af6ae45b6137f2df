import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { noticeKinds } from '../../src/mail/notice-messages.js';
import { instruments } from '../../src/telemetry/instruments.js';

const doc = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8');
const dashboard = JSON.parse(
  readFileSync(new URL('../../docs/grafana-dashboard.json', import.meta.url), 'utf8'),
);

/** The rows of the markdown table that follows `marker`: cells, trimmed, backticks removed. */
function tableAfter(marker: string): string[][] {
  const lines = doc.slice(doc.indexOf(marker)).split('\n');
  const start = lines.findIndex((line) => line.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim().replace(/`/g, '')),
    );
  }
  return rows;
}

describe('docs/operations.md', () => {
  it('documents every instrument as it is defined: kind, unit and attributes', () => {
    const rows = tableAfter('<!-- instruments:');
    expect(rows.map((r) => r[0])).toEqual(Object.keys(instruments));
    for (const [name, kind, unit, attributes] of rows) {
      const defined = instruments[name as keyof typeof instruments];
      expect({ kind, unit, attributes: attributes ? attributes.split(', ') : [] }, name).toEqual({
        kind: defined.kind,
        unit: defined.unit,
        attributes: [...defined.attributes],
      });
    }
  });

  it('lists every notice kind', () => {
    const rows = tableAfter('| Kind                       |');
    expect(rows.map((r) => r[0])).toEqual([...noticeKinds]);
  });

  it('the dashboard queries only metrics factorkit records, under their Prometheus names', () => {
    // The JavaScript Prometheus exporter's names: dots to underscores, `_total` on counters, no unit.
    const prometheusNames = Object.entries(instruments).flatMap(([name, { kind }]) => {
      const base = name.replace(/\./g, '_');
      return kind === 'counter' ? [`${base}_total`] : [`${base}_bucket`, `${base}_count`, `${base}_sum`];
    });
    const queried = (dashboard.panels as Array<{ targets?: Array<{ expr: string }> }>)
      .flatMap((panel) => panel.targets ?? [])
      .flatMap((target) => target.expr.match(/factorkit_[a-z_]+/g) ?? [])
      .filter(
        (name) =>
          !/^factorkit_(outcome|method|purpose|lock_scope|store_operation|mail_purpose|notice_kind)$/.test(
            name,
          ),
      );
    expect(queried.length).toBeGreaterThan(5);
    for (const name of queried) expect(prometheusNames).toContain(name);
  });
});
