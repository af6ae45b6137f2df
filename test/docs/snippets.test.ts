import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const out = join(root, 'test-artifacts/doc-snippets');

/** Every ```ts block of README.md and docs/*.md, one module per block. */
function snippets(): Array<{ name: string; code: string }> {
  const files = [
    'README.md',
    ...readdirSync(join(root, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`),
  ];
  const found: Array<{ name: string; code: string }> = [];
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8');
    let n = 0;
    for (const match of text.matchAll(/```ts\n([\s\S]*?)```/g)) {
      found.push({ name: `${file.replace(/[/.]/g, '_')}_${++n}`, code: match[1] ?? '' });
    }
  }
  return found;
}

describe('documentation', () => {
  it('every TypeScript snippet in README.md and docs/ compiles under tsc --strict as written', () => {
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    const all = snippets();
    expect(all.length).toBeGreaterThan(10);
    for (const { name, code } of all) writeFileSync(join(out, `${name}.ts`), `${code}\nexport {};\n`);
    // Files the snippets import as their neighbours.
    for (const file of [
      'custom-store/map-store.ts',
      'custom-method/hotp-codes.ts',
      'custom-method/hotp-token.ts',
      'custom-method/hotp-token-setup.ts',
    ]) {
      writeFileSync(join(out, file.split('/')[1]!), readFileSync(join(root, 'examples', file), 'utf8'));
    }
    writeFileSync(
      join(out, 'tsconfig.json'),
      JSON.stringify({
        extends: '../../tsconfig.json',
        compilerOptions: { noEmit: true, noUnusedLocals: false },
        include: ['*.ts', '../../test/docs/host-context.d.ts', '../../src/types/*.d.ts'],
      }),
    );
    let output = '';
    try {
      execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(out, 'tsconfig.json')], {
        encoding: 'utf8',
      });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    expect(output).toBe('');
  }, 300_000);
});
