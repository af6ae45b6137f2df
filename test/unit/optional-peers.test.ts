import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Every optional peer dependency is reached only through its own subpath: a bundler (Next.js,
 * Vite, esbuild, Bun) follows every import it can see, `import()` included, so a peer named
 * anywhere in the graph of `factorkit` would have to be installed by every app. `.ci/pack-check.sh`
 * builds real apps with the bundlers; this is the same rule, checked on the sources in a blink.
 */
const PEERS =
  /^(@simplewebauthn\/server|@opentelemetry\/api|better-sqlite3|express|fastify|hono|ioredis|nodemailer|pg|vitest)(\/|$)/;
/** The peers each entry may reach (the one it exists for). */
const ALLOWED: Record<string, RegExp> = {
  index: /^$/,
  qr: /^$/,
  http: /^$/,
  redis: /^ioredis$/,
  postgres: /^pg$/,
  sqlite: /^$/, // better-sqlite3 is loaded by createRequire, when the host gives no database
  smtp: /^$/, // the host passes its nodemailer transport
  express: /^express$/,
  fastify: /^fastify(-plugin)?$/,
  hono: /^hono(\/|$)/,
  testing: /^vitest$/,
  webauthn: /^@simplewebauthn\/server(\/helpers)?$/,
  // Migration (scripts, the CLI): imported security keys are checked with the peer's CBOR helpers.
  import: /^@simplewebauthn\/server\/helpers$/,
  // The browser code imports no peer at all.
  client: /^$/,
  elements: /^$/,
  'elements/challenge': /^$/,
  'elements/settings': /^$/,
  'elements/admin-agent': /^$/,
  'elements/policy': /^$/,
  'elements/react': /^$/,
};

const src = resolve(new URL('../../src/', import.meta.url).pathname);

/** The module specifiers `file` imports for their values (`import type` / `export type` erased). */
function valueImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const statements = [
    ...text.matchAll(/(?:^|\n)\s*(import|export)\s+(type\s)?[^'";]*?from\s*['"]([^'"]+)['"]/g),
  ];
  const dynamic = [...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!);
  return statements
    .filter((m) => m[2] === undefined)
    .map((m) => m[3]!)
    .concat(dynamic);
}

/** The outside packages the graph of `entry` reaches by value. */
function reachedPackages(entry: string): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of valueImports(file)) {
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec).replace(/\.js$/, '.ts'));
      else if (!spec.startsWith('node:')) packages.add(spec);
    }
  };
  visit(`${src}/entries/${entry}.ts`);
  return packages;
}

describe('optional peer dependencies', () => {
  it('each entry reaches no optional peer but its own', () => {
    const pkg = JSON.parse(readFileSync(`${src}/../package.json`, 'utf8')) as {
      exports: Record<string, unknown>;
    };
    const entries = Object.keys(pkg.exports)
      .filter((subpath) => subpath !== './package.json')
      .map((subpath) => (subpath === '.' ? 'index' : subpath.slice(2)));
    expect(Object.keys(ALLOWED).sort()).toEqual([...entries].sort());
    const stray: string[] = [];
    for (const entry of entries) {
      for (const spec of reachedPackages(entry)) {
        if (PEERS.test(spec) && !ALLOWED[entry]!.test(spec)) stray.push(`${entry} -> ${spec}`);
      }
    }
    expect(stray).toEqual([]);
  });

  it('the check sees a dynamic import and a peer of another entry', () => {
    expect(reachedPackages('webauthn')).toContain('@simplewebauthn/server');
    expect(reachedPackages('hono').has('hono')).toBe(true);
    expect(valueImports(`${src}/entries/index.ts`).length).toBeGreaterThan(10);
  });
});
