// Bundles hono-fetch.mjs (factorkit, factorkit/hono and hono; @simplewebauthn/server, an optional
// peer, not installed) with esbuild and with Vite SSR, every dependency inside the bundle and no
// configuration about factorkit, then runs each bundle: a bundler that met an import of a missing
// peer would fail here. Lives beside esbuild and vite (copied into their folder); argv[2] is the
// scratch project holding hono-fetch.mjs.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { build } from 'vite';

const scratch = process.argv[2];
const entry = join(scratch, 'hono-fetch.mjs');
const out = join(scratch, 'bundles');

await esbuild.build({
  entryPoints: [entry],
  bundle: true,
  platform: 'node',
  format: 'esm',
  outfile: join(out, 'esbuild.mjs'),
  logLevel: 'warning',
});
await build({
  root: scratch,
  logLevel: 'error', // Rollup's notes on zod's comments are noise here
  configFile: false,
  ssr: { noExternal: true },
  build: { ssr: entry, outDir: join(out, 'vite'), emptyOutDir: true },
});
for (const [name, file] of [
  ['esbuild', join(out, 'esbuild.mjs')],
  ['Vite SSR', join(out, 'vite', 'hono-fetch.mjs')],
]) {
  const said = execFileSync(process.execPath, [file], { encoding: 'utf8' }).trim();
  console.log(`${name} bundle: ${said}`);
}
