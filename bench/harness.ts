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

type Figures = { opsPerSecond: number; p50: number; p99: number };

/** Latency (ms) of `total` async calls at `concurrency`, with throughput. */
export async function measureAsync(
  call: (i: number) => Promise<unknown>,
  { total, concurrency }: { total: number; concurrency: number },
): Promise<Figures> {
  const latencies: number[] = [];
  const seconds = await timeCalls(call, total, concurrency, latencies);
  return figures(latencies, total / seconds);
}

/**
 * {@link measureAsync} in chunks of at most `chunk` calls, each made ready (untimed) just before it
 * runs: for calls on state that ages, as a sign-in's verify follows its start by seconds, never by
 * the tens of thousands of other sign-ins a bench would otherwise start first.
 */
export async function measureChunked(
  ready: (count: number) => Promise<(i: number) => Promise<unknown>>,
  { total, concurrency, chunk }: { total: number; concurrency: number; chunk: number },
): Promise<Figures> {
  const latencies: number[] = [];
  let seconds = 0;
  for (let done = 0; done < total; done += chunk) {
    const count = Math.min(chunk, total - done);
    seconds += await timeCalls(await ready(count), count, concurrency, latencies);
  }
  return figures(latencies, total / seconds);
}

/** Runs `total` calls at `concurrency`, pushing each one's latency (ms); the seconds they took. */
async function timeCalls(
  call: (i: number) => Promise<unknown>,
  total: number,
  concurrency: number,
  latencies: number[],
): Promise<number> {
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
  return Number(process.hrtime.bigint() - started) / 1e9;
}

function figures(latencies: number[], opsPerSecond: number): Figures {
  latencies.sort((a, b) => a - b);
  const pick = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { opsPerSecond, p50: pick(0.5), p99: pick(0.99) };
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
