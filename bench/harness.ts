/** Tiny benchmark helpers: ops/s of a sync function, latency percentiles of async calls, tables. */

/** Runs `fn` in batches for about `ms` milliseconds, `rounds` times; returns the best ops/s. */
export function opsPerSecond(fn: (i: number) => unknown, { ms = 400, rounds = 5 } = {}): number {
  let sink = 0;
  for (let i = 0; i < 2000; i++) sink ^= fn(i) ? 1 : 0; // warm-up
  let best = 0;
  for (let round = 0; round < rounds; round++) {
    let count = 0;
    const start = process.hrtime.bigint();
    const deadline = start + BigInt(ms) * 1_000_000n;
    let now = start;
    while (now < deadline) {
      for (let i = 0; i < 200; i++) sink ^= fn(count + i) ? 1 : 0;
      count += 200;
      now = process.hrtime.bigint();
    }
    best = Math.max(best, count / (Number(now - start) / 1e9));
  }
  if (sink === 42) console.log('');
  return best;
}

/** Latency (ms) of `total` async calls at `concurrency`, with throughput. */
export async function measureAsync(
  call: (i: number) => Promise<unknown>,
  { total, concurrency }: { total: number; concurrency: number },
): Promise<{ opsPerSecond: number; p50: number; p99: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = process.hrtime.bigint();
        await call(i);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  const pick = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { opsPerSecond: total / seconds, p50: pick(0.5), p99: pick(0.99) };
}

/** Prints a markdown table. */
export function table(headers: string[], rows: Array<Array<string | number>>): void {
  const cells = rows.map((row) => row.map((cell) => (typeof cell === 'number' ? format(cell) : cell)));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((row) => String(row[i]).length)));
  const line = (row: Array<string | number>) =>
    `| ${row.map((cell, i) => String(cell).padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(headers));
  console.log(`| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`);
  for (const row of cells) console.log(line(row));
  console.log('');
}

/** Numbers for tables: thousands separators, two decimals under 100. */
export function format(value: number): string {
  if (value >= 100) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(2);
}
