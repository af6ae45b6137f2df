import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = fileURLToPath(new URL('.', import.meta.url));

/** A script the examples serve: its path under the site, its type and its text. */
export interface ExampleAsset {
  path: string;
  type: string;
  body: string;
}

let bundle: Promise<string> | undefined;

/**
 * `factorkit/elements` as one browser module, bundled by esbuild as an app's bundler would. In this
 * checkout `factorkit/elements` is the source (tsconfig paths), so `npm run example` needs no build
 * step; an app that installed factorkit serves the package's built files instead, as they are
 * (`express.static(dirname(fileURLToPath(import.meta.resolve('factorkit/elements'))))` and
 * `<script type="module" src="/factorkit/elements.js">`: see .ci/pack/ui).
 */
export function elementsBundle(): Promise<string> {
  bundle ??= build({
    stdin: { contents: "export * from 'factorkit/elements';", resolveDir: here, loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    logLevel: 'error',
  }).then((result) => result.outputFiles[0]!.text);
  return bundle;
}

const script = (path: string, file: string): ExampleAsset => ({
  path,
  type: 'text/javascript',
  body: readFileSync(`${here}${file}`, 'utf8'),
});

/**
 * What the examples' pages load: the elements, the host's script saying where each screen leads,
 * and the security page's rule form and adoption chart.
 */
export async function exampleAssets(): Promise<ExampleAsset[]> {
  return [
    { path: '/static/factorkit/elements.js', type: 'text/javascript', body: await elementsBundle() },
    script('/static/app.js', 'host.js'),
    script('/static/rollout.js', 'rollout-browser.js'),
  ];
}
