#!/usr/bin/env bash
# Packs the package, installs the tarball in a scratch project and uses it from import and require.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
tarball=$(cd "$root" && npm pack --silent --pack-destination "$scratch" | tail -n 1)
cd "$scratch"
npm init -y >/dev/null
# express, fastify, hono and better-sqlite3 are optional peer dependencies, needed only by their
# subpaths (installed so that the type check below sees their real types); better-sqlite3 is linked
# from the checkout, where it was already built from source (--ignore-scripts: not built again).
npm install --no-audit --no-fund --silent --ignore-scripts "./$tarball" express@5 fastify@5 hono@4 \
  "$root/node_modules/better-sqlite3" >/dev/null
cp -r "$root/.ci/pack/." .
node esm.mjs
node cjs.cjs
# The CLI from the tarball, as a user runs it: `npx factorkit keygen` prints a key the package accepts.
key=$(npx --no-install factorkit keygen)
[[ "$key" =~ ^[A-Za-z0-9_-]{43}$ ]] || { echo "npx factorkit keygen printed no key" >&2; exit 1; }
FACTORKIT_KEY="$key" node --input-type=module -e \
  "import { keysFromEnv, Keyring } from 'factorkit'; new Keyring(keysFromEnv(process.env));"
echo "npx factorkit keygen from the packed tarball: ok"
# A rotation with the CLI from the tarball: a user enrolled under key A, rekeyed under B, checked.
new_key=$(npx --no-install factorkit keygen)
cp "$root/.ci/pack/seed-rotation.mjs" .
FACTORKIT_KEY="$key" node seed-rotation.mjs rotation.db
FACTORKIT_KEY="$new_key" FACTORKIT_OLD_KEYS="$key" npx --no-install factorkit rekey --store sqlite:./rotation.db
FACTORKIT_KEY="$new_key" FACTORKIT_OLD_KEYS="$key" npx --no-install factorkit keys --store sqlite:./rotation.db --check
echo "npx factorkit rekey and keys --check from the packed tarball: ok"
# An import on worker threads (the built dist/import-worker.js) from the tarball: what they sealed
# is counted under the key by keys --check.
printf '%s\n' '{"userId":"w1","totp":{"secret":"JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"}}' \
  '{"userId":"w2","totp":{"secret":"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"},"backupCodes":["AbCd1-EfGh2"]}' > users.jsonl
imported=$(FACTORKIT_KEY="$key" npx --no-install factorkit import --from jsonl users.jsonl --store sqlite:./import.db --workers 2)
[[ "$imported" == *"imported: 2"* ]] || { echo "npx factorkit import --workers 2 imported nothing" >&2; exit 1; }
FACTORKIT_KEY="$key" npx --no-install factorkit keys --store sqlite:./import.db --check
echo "npx factorkit import --workers 2 from the packed tarball: ok"
# factorkit/hono on the web-standard runtimes it promises, Bun, Deno and Cloudflare's workerd as well
# as Node, and the bundlers an app builds it with: all from the npm registry (binaries in platform
# packages), in a folder of their own (an install into this project would rebuild the linked
# better-sqlite3). @simplewebauthn/server, an optional peer, is not installed: no bundle may need it.
npm install --no-audit --no-fund --silent --prefix runtimes bun@1 deno@2 workerd@1 vite@7 esbuild@0 >/dev/null
node hono-fetch.mjs
runtimes/node_modules/.bin/bun hono-fetch.mjs
runtimes/node_modules/.bin/deno run --quiet --allow-env --allow-read --node-modules-dir=manual hono-fetch.mjs
cp bundle.mjs runtimes/
node runtimes/bundle.mjs "$scratch"
runtimes/node_modules/.bin/bun build hono-fetch.mjs --target=bun --outfile=bundles/bun.js >/dev/null
echo "Bun bundle: $(runtimes/node_modules/.bin/bun bundles/bun.js)"
bash workerd/run.sh "$scratch" runtimes
# A Next.js app (examples/nextjs, as docs/nextjs.md shows it) built with Turbopack and webpack, then
# signed in with a code on `next start`.
bash "$root/.ci/nextjs-check.sh" "$scratch/$tarball"
# The browser entries from the built files: a plain HTML page (<script type="module">) and a React 19
# page (JSX types from factorkit/elements/react, checked by tsc, built by Vite), both signing in
# through factorkit/express in Chromium. React and Vite in a folder of their own, like the runtimes.
# (ui/ came with the rest of .ci/pack above.)
npm install --no-audit --no-fund --silent express-session@1 >/dev/null
(cd ui/react && npm init -y >/dev/null && npm install --no-audit --no-fund --silent \
  react@19 react-dom@19 @types/react@19 @types/react-dom@19 vite@7 @vitejs/plugin-react@5 "../../$tarball" >/dev/null \
  && "$root/node_modules/.bin/tsc" -p tsconfig.json && npx vite build >/dev/null)
(cd ui && node serve.mjs "$root" "${CHROMIUM_PATH:-/usr/bin/chromium}")
# TypeScript on "module": "commonjs" with node10 resolution (typesVersions) sees every subpath's types.
cp "$root/.ci/pack/node10.ts" .
printf '{"compilerOptions":{"module":"commonjs","target":"es2022","strict":true,"skipLibCheck":true,"noEmit":true,"types":[]},"files":["node10.ts"]}' > tsconfig.json
"$root/node_modules/.bin/tsc" -p tsconfig.json
echo "TypeScript (module commonjs, node10 resolution) resolves every subpath: ok"

