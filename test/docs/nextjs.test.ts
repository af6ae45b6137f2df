import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const example = join(root, 'examples/nextjs');

/** The example's source files (what a user copies), relative to its folder. */
function sources(dir = example): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' || name === '.next' ? [] : sources(path);
    return /\.tsx?$/.test(name) && name !== 'next-env.d.ts' ? [relative(example, path)] : [];
  });
}

/**
 * docs/nextjs.md shows the app CI builds and signs in to (.ci/nextjs-check.sh): every block titled
 * with a path is that file of examples/nextjs as it is, and every file of the app is shown.
 */
describe('docs/nextjs.md', () => {
  const doc = readFileSync(join(root, 'docs/nextjs.md'), 'utf8');
  const blocks = [...doc.matchAll(/```tsx? title="([^"]+)"\n([\s\S]*?)```/g)].map((m) => ({
    path: m[1]!,
    code: m[2]!,
  }));

  it('each titled block is the example file of that path, as it is', () => {
    expect(blocks.length).toBeGreaterThan(5);
    for (const { path, code } of blocks) expect(code, path).toBe(readFileSync(join(example, path), 'utf8'));
  });

  it('every file of the example is in the page', () => {
    expect(blocks.map((b) => b.path).sort()).toEqual(sources().sort());
  });
});
