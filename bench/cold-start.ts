/**
 * Cold start: a fresh Node process imports the library, creates what an app creates at start-up and
 * verifies its first code (bench/cold-start/probe.mjs says what each phase holds). factorkit (its
 * built dist, as users import it), beside otpauth and better-auth (from the npm registry, into a
 * folder of the bench's own, .cold-start-peers/), and zod's two entries alone. Subjects take turns,
 * `rounds` processes each, so a busy machine slows them alike. Bounded: about 6 x 15 processes.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { table } from './harness.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const peers = fileURLToPath(new URL('./.cold-start-peers', import.meta.url));
const probe = fileURLToPath(new URL('./cold-start/probe.mjs', import.meta.url));
const SUBJECTS = ['factorkit', 'factorkit TotpVerifier', 'otpauth', 'better-auth', 'zod', 'zod/mini'];

/** The peers, pinned to their majors, installed once. */
function installPeers(): void {
  if (existsSync(`${peers}/load.mjs`)) return;
  console.log('installing better-auth@1 and otpauth@9 into bench/.cold-start-peers ...');
  execFileSync('npm', ['init', '-y'], {
    cwd: root,
    stdio: 'ignore',
    env: { ...process.env, npm_config_prefix: peers },
  });
  execFileSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--silent', '--prefix', peers, 'better-auth@1', 'otpauth@9'],
    { cwd: root, stdio: 'inherit' },
  );
  // Imports from here resolve as ES modules in the peers folder (createRequire would pick CommonJS builds).
  writeFileSync(`${peers}/load.mjs`, 'export const load = (name) => import(name);\n');
}

type Phases = { import: number; create?: number; verify?: number; cpu: number };

const quantile = (values: number[], q: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))] ?? 0;

export async function benchColdStart(rounds = 15): Promise<void> {
  if (!existsSync(`${root}dist/index.js`))
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
  installPeers();
  const runs = new Map<string, Phases[]>(SUBJECTS.map((s) => [s, []]));
  for (let round = 0; round < rounds; round++) {
    for (const subject of SUBJECTS) {
      const out = execFileSync(process.execPath, [probe, subject, peers], { encoding: 'utf8' });
      runs.get(subject)!.push(JSON.parse(out) as Phases);
    }
  }
  console.log(`## Cold start: import + create + first verify, fresh process each (${rounds} runs, ms)\n`);
  const factorkitTotal = quantile(runs.get('factorkit')!.map(total), 0.5);
  table(
    [
      'subject',
      'import p50',
      'create p50',
      'first verify p50',
      'total p50',
      'total p90',
      'CPU p50',
      'vs factorkit',
    ],
    SUBJECTS.map((subject) => {
      const phases = runs.get(subject)!;
      const p50 = (pick: (p: Phases) => number | undefined) =>
        quantile(
          phases.map((p) => pick(p) ?? 0),
          0.5,
        );
      const totals = phases.map(total);
      return [
        subject,
        p50((p) => p.import),
        p50((p) => p.create),
        p50((p) => p.verify),
        quantile(totals, 0.5),
        quantile(totals, 0.9),
        p50((p) => p.cpu),
        `${(quantile(totals, 0.5) / factorkitTotal).toFixed(2)}x`,
      ];
    }),
  );
}

const total = (p: Phases) => p.import + (p.create ?? 0) + (p.verify ?? 0);

/**
 * A fresh process's first 10,000 verifies in blocks of 1,000 (bench/cold-start/first-verifies.mjs):
 * CPU µs per verify, median of `runs` processes per block. Before issue 24 the first five blocks
 * paid Node's deprecated-`Buffer()` check (a stack trace per call).
 */
export function benchFirstVerifies(runs = 7): void {
  const script = fileURLToPath(new URL('./cold-start/first-verifies.mjs', import.meta.url));
  const blocks: number[][] = [];
  for (let run = 0; run < runs; run++) {
    const out = execFileSync(process.execPath, [script, `${root}dist`, '10'], { encoding: 'utf8' });
    (JSON.parse(out) as number[]).forEach((us, block) => {
      blocks[block] = [...(blocks[block] ?? []), us];
    });
  }
  console.log(`\n## A fresh process's first verifies: CPU µs per verifyCode, median of ${runs} processes\n`);
  table(
    ['verifies', 'CPU µs per verify'],
    blocks.map((values, block) => [`${block * 1000 + 1}-${(block + 1) * 1000}`, quantile(values, 0.5)]),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchColdStart();
  benchFirstVerifies();
}
