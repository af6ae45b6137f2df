import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

/**
 * Entries come from package.json, so the two can never disagree: each `exports` subpath is built
 * from `src/entries/<name>.ts`, each `bin` (`./dist/<name>.js`) from `src/<name>/bin.ts`.
 */
const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  exports: Record<string, unknown>;
  bin: Record<string, string>;
};
const entry: Record<string, string> = {};
for (const subpath of Object.keys(pkg.exports)) {
  if (subpath === './package.json') continue;
  const name = subpath === '.' ? 'index' : subpath.slice(2);
  entry[name] = `src/entries/${name}.ts`;
}
// The library's entries get declarations; a command-line entry has no types to publish.
const typed = { ...entry };
for (const target of Object.values(pkg.bin)) {
  const name = /^\.\/dist\/([a-z-]+)\.js$/.exec(target)?.[1];
  if (!name) throw new Error(`package.json bin ${target} is not ./dist/<name>.js`);
  entry[name] = `src/${name}/bin.ts`;
}

// `factorkit import --workers`: the thread that validates and seals users, started by its path.
entry['import-worker'] = 'src/cli/import-worker.ts';

export default defineConfig({
  entry,
  format: ['esm', 'cjs'],
  dts: { entry: typed },
  clean: true,
  sourcemap: true,
  target: 'node20',
  splitting: true,
  treeshake: true,
  // import.meta.url (factorkit/sqlite loads better-sqlite3 with createRequire) in the CommonJS build too.
  shims: true,
  // `node:crypto`, not `crypto`: Cloudflare Workers (nodejs_compat), Deno and bundlers targeting
  // them know Node's modules by the prefix; a bare `crypto` reads as an npm package to resolve.
  removeNodeProtocol: false,
});
