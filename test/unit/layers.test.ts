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
  // Telemetry wraps the store, the mailer and the facade from outside; only it knows OpenTelemetry.
  telemetry: ['core', 'store', 'mail', 'telemetry'],
  app: ['core', 'store', 'mail', 'services', 'methods', 'telemetry', 'app'],
  http: ['core', 'store', 'services', 'methods', 'app', 'http'],
  adapters: ['core', 'app', 'http', 'adapters'],
  // factorkit/import: over the facade (app) and the methods' transfers.
  import: ['core', 'store', 'methods', 'app', 'import'],
  testing: ['core', 'store', 'testing'],
  // The CLI is a user's script: it sees the package through its public entries only.
  cli: ['entries', 'cli'],
  // Browser code: of http/, only the shared route and message types (checked below).
  client: ['http', 'client'],
  elements: ['http', 'client', 'elements'],
  // The public entry points re-export whatever they publish.
  entries: Object.keys({
    core: 0,
    store: 0,
    mail: 0,
    services: 0,
    stores: 0,
    methods: 0,
    telemetry: 0,
    app: 0,
    http: 0,
    adapters: 0,
    import: 0,
    testing: 0,
    client: 0,
    elements: 0,
    entries: 0,
  }),
};

/** Outside packages and the only folders that may import them. */
const PACKAGES: Array<[RegExp, RegExp]> = [
  [/^(express|fastify|fastify-plugin|hono|@hono\/|@fastify\/)/, /^adapters\//],
  // The CLI opens a --store URL's client itself (as a host would), loading the driver only then.
  [/^ioredis$/, /^(stores\/redis|cli)\//],
  [/^pg$/, /^(stores\/postgres|cli)\//],
  // ...and reads a better-auth SQLite database for `import --from better-auth`.
  [/^better-sqlite3$/, /^(stores\/sqlite|cli)\//],
  [/^nodemailer$/, /^mail\/smtp-mailer\.ts$/],
  [/^@simplewebauthn\//, /^methods\/webauthn\//],
  [/^vitest$/, /^testing\//],
  [/^@opentelemetry\//, /^telemetry\/opentelemetry\.ts$/],
];

/** What browser code may take from the server side: types only, from these files. */
const SHARED_TYPES = /^http\/(messages|types)\.ts$/;
const BROWSER = new Set(['client', 'elements']);

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

  it('browser code imports nothing from the server side but the shared route and message types', () => {
    const violations: string[] = [];
    for (const file of all.filter((f) => BROWSER.has(layerOf(f)))) {
      const text = readFileSync(file, 'utf8');
      for (const spec of imports(file)) {
        const path = relative(src, file);
        if (!spec.startsWith('.')) {
          violations.push(`${path} imports the package ${spec}`);
          continue;
        }
        const target = relative(src, resolve(dirname(file), spec)).replace(/\.js$/, '.ts');
        if (BROWSER.has(layerOf(resolve(src, target)))) continue;
        const typeOnly = new RegExp(
          `import\\s+type\\s[^;]*?from\\s*['"]${spec.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}['"]`,
        );
        if (!SHARED_TYPES.test(target) || !typeOnly.test(text)) violations.push(`${path} -> ${target}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('the browser check sees imports: the elements use the client, and the shared message codes as types', () => {
    const elements = files(join(src, 'elements')).flatMap(imports);
    expect(elements.some((spec) => spec.includes('/client/'))).toBe(true);
    expect(elements.some((spec) => spec.includes('/http/messages.js'))).toBe(true);
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

  it('the CLI loads drivers lazily: ioredis, pg and better-sqlite3 only through import()', () => {
    const eager = files(join(src, 'cli')).filter((file) =>
      /(?:^|\n)\s*import\s[^'"]*?from\s*['"](ioredis|pg|better-sqlite3)['"]/.test(
        readFileSync(file, 'utf8').replace(/import type[^;]*;/g, ''),
      ),
    );
    expect(eager.map((file) => relative(src, file))).toEqual([]);
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
