import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

/** Entries come from package.json `exports`, so the two can never disagree. */
const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  exports: Record<string, unknown>;
};
const entry: Record<string, string> = {};
for (const subpath of Object.keys(pkg.exports)) {
  if (subpath === './package.json') continue;
  const name = subpath === '.' ? 'index' : subpath.slice(2);
  entry[name] = `src/entries/${name}.ts`;
}

export default defineConfig({
  entry,
  format: ['esm', 'cjs'],
  dts: true,
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
