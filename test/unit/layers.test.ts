import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The architecture, checked: each layer of src/ imports only from itself and the layers below it
 * (docs/architecture.md draws them), and each outside package only where it belongs.
 */
const LAYERS: Record<string, string[]> = {
  core: ['core'],
  store: ['core', 'store'],
  mail: ['core', 'mail'],
  services: ['core', 'store', 'services'],
  stores: ['core', 'store', 'stores'],
  methods: ['core', 'store', 'mail', 'services', 'methods'],
  app: ['core', 'store', 'mail', 'services', 'methods', 'app'],
  http: ['core', 'store', 'services', 'methods', 'app', 'http'],
  adapters: ['core', 'app', 'http', 'adapters'],
  testing: ['core', 'store', 'testing'],
  // The public entry points re-export whatever they publish.
  entries: Object.keys({
    core: 0,
    store: 0,
    mail: 0,
    services: 0,
    stores: 0,
    methods: 0,
    app: 0,
    http: 0,
    adapters: 0,
    testing: 0,
    entries: 0,
  }),
};

/** Outside packages and the only folders that may import them. */
const PACKAGES: Array<[RegExp, RegExp]> = [
  [/^(express|fastify|fastify-plugin|hono|@hono\/|@fastify\/)/, /^adapters\//],
  [/^ioredis$/, /^stores\/redis\//],
  [/^pg$/, /^stores\/postgres\//],
  [/^better-sqlite3$/, /^stores\/sqlite\//],
  [/^nodemailer$/, /^mail\/smtp-mailer\.ts$/],
  [/^@simplewebauthn\//, /^methods\/webauthn\//],
  [/^vitest$/, /^testing\//],
];

const src = resolve(new URL('../../src/', import.meta.url).pathname);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]/g)]
    .concat([...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)])
    .map((match) => match[1]!);
}

const layerOf = (file: string) => relative(src, file).split('/')[0]!;

/** The file an import names, with its `.ts` source path (imports name `.js`). */
const target = (file: string, spec: string) => resolve(dirname(file), spec).replace(/\.js$/, '.ts');

/** A method folder: a directory of src/methods/ (one per method). */
const methodsDir = join(src, 'methods');
const methodFolderOf = (file: string): string | null => {
  const parts = relative(methodsDir, file).split('/');
  return parts.length > 1 && !parts[0]!.startsWith('..') ? parts[0]! : null;
};

/** Every cycle of an import graph, each as the files on it (Tarjan's strongly connected components). */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    for (const to of graph.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (stack.includes(to)) low.set(node, Math.min(low.get(node)!, index.get(to)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe('architecture', () => {
  const all = files(src).filter((file) => layerOf(file) !== 'types');

  it('every file of src/ sits in a known layer', () => {
    expect(all.map(layerOf).filter((layer) => !(layer in LAYERS))).toEqual([]);
  });

  it('no import points from a lower layer into a higher one', () => {
    const violations: string[] = [];
    for (const file of all) {
      for (const spec of imports(file).filter((s) => s.startsWith('.'))) {
        const target = resolve(dirname(file), spec);
        const from = layerOf(file);
        const to = layerOf(target);
        if (!LAYERS[from]!.includes(to))
          violations.push(`${relative(src, file)} -> ${relative(src, target)}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('frameworks, drivers and the mail transport are imported only where they belong', () => {
    const violations: string[] = [];
    for (const file of all) {
      const path = relative(src, file);
      if (path.startsWith('entries/')) continue;
      for (const spec of imports(file).filter((s) => !s.startsWith('.') && !s.startsWith('node:'))) {
        for (const [pkg, place] of PACKAGES) {
          if (pkg.test(spec) && !place.test(path)) violations.push(`${path} imports ${spec}`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it('the check sees imports: a known import of a lower layer is found', () => {
    const http = files(join(src, 'http')).flatMap(imports);
    expect(http.some((spec) => spec.includes('/app/'))).toBe(true);
  });
});

describe('methods: one folder each, all the way up', () => {
  const all = files(src);
  const relativeImports = (file: string) =>
    imports(file)
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => target(file, spec));

  it('no import from src/app/ or src/http/ names a method folder: they ask the registry', () => {
    const violations = all
      .filter((file) => ['app', 'http'].includes(layerOf(file)))
      .flatMap((file) =>
        relativeImports(file)
          .filter((to) => methodFolderOf(to) !== null)
          .map((to) => `${relative(src, file)} -> ${relative(src, to)}`),
      );
    expect(violations).toEqual([]);
  });

  it('modules do not import the registry: it is built from them', () => {
    const registry = ['registry.ts', 'create-registry.ts'].map((name) => join(methodsDir, name));
    const violations = all
      .filter((file) => methodFolderOf(file) !== null)
      .flatMap((file) =>
        relativeImports(file)
          .filter((to) => registry.includes(to))
          .map((to) => `${relative(src, file)} -> ${relative(src, to)}`),
      );
    expect(violations).toEqual([]);
  });

  it('src/methods/ has no import cycle (type imports included)', () => {
    const graph = new Map(
      all
        .filter((file) => file.startsWith(`${methodsDir}/`))
        .map((file) => [
          relative(src, file),
          relativeImports(file)
            .filter((to) => to.startsWith(`${methodsDir}/`))
            .map((to) => relative(src, to)),
        ]),
    );
    expect(graph.size).toBeGreaterThan(20);
    expect(cycles(graph)).toEqual([]);
  });

  it('the checks see what they look for: a method folder, and a cycle', () => {
    expect(methodFolderOf(join(methodsDir, 'totp/totp-module.ts'))).toBe('totp');
    expect(methodFolderOf(join(methodsDir, 'registry.ts'))).toBeNull();
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    expect(cycles(graph)).toEqual([['a', 'b', 'c']]);
    expect(cycles(new Map([['a', ['a']]]))).toEqual([['a']]);
  });
});
