import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  exports: Record<string, unknown>;
  typesVersions: { '*': Record<string, string[]> };
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

  it('names its repository, homepage and issue tracker (README links from the npm page)', () => {
    expect(pkg.repository).toBeTruthy();
    expect(pkg.homepage).toMatch(/^https:\/\//);
    expect(pkg.bugs).toBeTruthy();
  });
});
