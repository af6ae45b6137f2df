#!/usr/bin/env bash
# Packs the package, installs the tarball in a scratch project and uses it from import and require.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
tarball=$(cd "$root" && npm pack --silent --pack-destination "$scratch" | tail -n 1)
cd "$scratch"
npm init -y >/dev/null
# express is an optional peer dependency, needed only by factorkit/express.
npm install --no-audit --no-fund --silent "./$tarball" express@5 >/dev/null
cp "$root/.ci/pack/esm.mjs" "$root/.ci/pack/cjs.cjs" .
node esm.mjs
node cjs.cjs
