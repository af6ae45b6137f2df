import {
  type CounterName,
  DURATION_BUCKETS_S,
  type HistogramName,
  type InstrumentName,
  instruments,
} from './instruments.js';
import type { Attributes } from './telemetry.js';

/*
 * The parts of the metrics API factorkit uses, written structurally: `@opentelemetry/api` is an
 * optional peer, so no published type may name it.
 */
interface OtelObservableResult {
  observe(value: number, attributes?: Attributes): void;
}
interface OtelObservableCounter {
  addCallback(callback: (result: OtelObservableResult) => void): void;
}
interface OtelHistogram {
  record(value: number, attributes?: Attributes): void;
}
interface OtelMeter {
  createObservableCounter(
    name: string,
    options: { description: string; unit: string },
  ): OtelObservableCounter;
  createHistogram(
    name: string,
    options: { description: string; unit: string; advice?: { explicitBucketBoundaries: number[] } },
  ): OtelHistogram;
}
/** The meter provider in force (`api.metrics.getMeterProvider()`). */
export interface OtelMeterProvider {
  getMeter(name: string, version?: string): OtelMeter;
}

/** One attribute combination of an instrument: its frozen attributes, and a counter's running total. */
interface Cell {
  readonly attributes: Readonly<Attributes>;
  value: number;
}

/**
 * The cells of one instrument, found by attribute values without building a key: a map per
 * position. The values are a handful of fixed words, so the tree stays small.
 */
class Cells {
  readonly all: Cell[] = [];
  private readonly tree = new Map<string, Map<string, Map<string, Cell>>>();
  constructor(private readonly keys: readonly string[]) {}

  find(a = '', b = '', c = ''): Cell {
    let byB = this.tree.get(a);
    if (!byB) {
      byB = new Map();
      this.tree.set(a, byB);
    }
    let byC = byB.get(b);
    if (!byC) {
      byC = new Map();
      byB.set(b, byC);
    }
    let cell = byC.get(c);
    if (!cell) {
      const attributes: Attributes = {};
      const values = [a, b, c];
      this.keys.forEach((key, i) => {
        if (values[i]) attributes[key] = values[i]!;
      });
      cell = { attributes: Object.freeze(attributes), value: 0 };
      byC.set(c, cell);
      this.all.push(cell);
    }
    return cell;
  }
}

const SCOPE = 'factorkit';

/**
 * factorkit's instruments on one meter provider. Counters are plain integers per attribute
 * combination, read by the SDK through observable counters when it collects (a scrape, an export):
 * a count costs a few map lookups instead of the SDK hashing the attributes on every call.
 * Histograms keep one value per call, so they are recorded as they come, with attribute objects
 * made once per combination.
 */
export class MeterBinding {
  private readonly counts = new Map<CounterName, Cells>();
  private readonly histograms = new Map<HistogramName, { instrument: OtelHistogram; cells: Cells }>();
  private readonly meter: OtelMeter;

  constructor(readonly provider: OtelMeterProvider) {
    this.meter = provider.getMeter(SCOPE);
    for (const [name, definition] of Object.entries(instruments) as Array<
      [InstrumentName, (typeof instruments)[InstrumentName]]
    >) {
      if (definition.kind !== 'counter') continue;
      const cells = new Cells(definition.attributes);
      this.counts.set(name as CounterName, cells);
      const { description, unit } = definition;
      this.meter.createObservableCounter(name, { description, unit }).addCallback((result) => {
        for (const cell of cells.all) result.observe(cell.value, cell.attributes);
      });
    }
  }

  count(name: CounterName, a?: string, b?: string, c?: string): void {
    this.counts.get(name)!.find(a, b, c).value++;
  }

  record(name: HistogramName, value: number, a?: string, b?: string): void {
    let histogram = this.histograms.get(name);
    if (!histogram) {
      const { description, unit, attributes } = instruments[name];
      histogram = {
        instrument: this.meter.createHistogram(name, {
          description,
          unit,
          advice: { explicitBucketBoundaries: DURATION_BUCKETS_S },
        }),
        cells: new Cells(attributes),
      };
      this.histograms.set(name, histogram);
    }
    histogram.instrument.record(value, histogram.cells.find(a, b).attributes);
  }
}
