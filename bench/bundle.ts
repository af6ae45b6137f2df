import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { buildSync } from 'esbuild';

/**
 * Bundles a bench entry of `tree` as tsup builds the package (esbuild, no `keepNames`), into the
 * tree's `node_modules/.cache` so its packages resolve, and returns the file's path. Instruction
 * counts then measure the code users run: under tsx every named function also costs a
 * `defineProperty` of its name (`__name`), which the published build does not have.
 */
export function bundleForBench(tree: string, entry: string): string {
  const outfile = join(
    tree,
    'node_modules',
    '.cache',
    'factorkit-bench',
    basename(entry).replace(/\.ts$/, '.mjs'),
  );
  mkdirSync(join(outfile, '..'), { recursive: true });
  buildSync({
    absWorkingDir: tree,
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  return outfile;
}
