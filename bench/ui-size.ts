/**
 * `npm run bench -- ui-size`: the browser code's weight, as a page pays it: each entry bundled
 * with what it imports (esbuild, minified, ES2022), then gzip level 9. The budgets are the
 * issue's: the client 4 KB, all elements together 25 KB; test/unit/ui-size.test.ts holds them.
 */
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/** The budgets in bytes, min+gzip. */
export const UI_BUDGETS = { client: 4 * 1024, elements: 25 * 1024 } as const;

/** The browser entries: the client, every element together, each element alone. */
export const UI_ENTRIES = [
  'client',
  'elements',
  'elements/challenge',
  'elements/settings',
  'elements/admin-agent',
  'elements/policy',
] as const;

/** Minified and gzipped size (bytes) of one entry with everything it imports. */
export async function minGzipBytes(entry: string): Promise<{ min: number; gzip: number }> {
  const result = await build({
    entryPoints: [new URL(`../src/entries/${entry}.ts`, import.meta.url).pathname],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
  });
  const code = result.outputFiles[0]!.contents;
  return { min: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

export async function benchUiSize(): Promise<void> {
  console.log('## Browser code size (esbuild --minify, gzip -9)\n');
  console.log('| entry | min | min+gzip |\n| --- | ---: | ---: |');
  for (const entry of UI_ENTRIES) {
    const { min, gzip } = await minGzipBytes(entry);
    console.log(`| factorkit/${entry} | ${(min / 1024).toFixed(1)} KB | ${(gzip / 1024).toFixed(1)} KB |`);
  }
  console.log(
    `\nBudgets: client ${UI_BUDGETS.client / 1024} KB, all elements ${UI_BUDGETS.elements / 1024} KB (min+gzip).\n`,
  );
}
