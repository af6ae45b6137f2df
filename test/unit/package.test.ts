import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  exports: Record<string, unknown>;
  typesVersions: { '*': Record<string, string[]> };
  bin: Record<string, string>;
  repository?: unknown;
  homepage?: string;
  bugs?: unknown;
};
const subpaths = Object.keys(pkg.exports)
  .filter((key) => key !== '.' && key !== './package.json')
  .map((key) => key.slice(2));

describe('package.json', () => {
  it('every subpath export has its entry file and its typesVersions mapping (node10 resolution), and nothing else', () => {
    for (const subpath of subpaths) {
      expect(existsSync(new URL(`../../src/entries/${subpath}.ts`, import.meta.url)), subpath).toBe(true);
      expect(pkg.typesVersions['*'][subpath], subpath).toEqual([`./dist/${subpath}.d.cts`]);
    }
    expect(Object.keys(pkg.typesVersions['*']).sort()).toEqual([...subpaths].sort());
  });

  it('the build makes every export, the bin `factorkit` and the import worker (tsup derives its entries from package.json)', async () => {
    const { default: config } = (await import('../../tsup.config.js')) as {
      default: { entry: Record<string, string> };
    };
    expect(pkg.bin).toEqual({ factorkit: './dist/cli.js' });
    expect(config.entry['cli']).toBe('src/cli/bin.ts');
    // `import --workers` starts dist/import-worker.js by its path (src/cli/import-workers.ts).
    expect(config.entry['import-worker']).toBe('src/cli/import-worker.ts');
    expect(Object.keys(config.entry).sort()).toEqual(['cli', 'import-worker', 'index', ...subpaths].sort());
    for (const source of Object.values(config.entry))
      expect(existsSync(new URL(`../../${source}`, import.meta.url)), source).toBe(true);
    const bin = readFileSync(new URL('../../src/cli/bin.ts', import.meta.url), 'utf8');
    expect(bin.startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('names its repository, homepage and issue tracker (README links from the npm page)', () => {
    expect(pkg.repository).toBeTruthy();
    expect(pkg.homepage).toMatch(/^https:\/\//);
    expect(pkg.bugs).toBeTruthy();
  });
});
