#!/usr/bin/env bash
# examples/nextjs (the app docs/nextjs.md shows) on the packed tarball: Next.js 16 from the npm
# registry, in a temp folder, with no configuration. `next build` with Turbopack (the default) and
# with webpack, both without FACTORKIT_KEY (Next imports route modules at build time: the facade
# must be made on first use); `next start` without the key says exactly what is missing; with it,
# a browser's sign-in with a code (next-login.mjs). Usage: nextjs-check.sh <factorkit tarball>
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tarball=$1
app=$(mktemp -d)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$app"
}
trap cleanup EXIT
cp -r "$root/examples/nextjs/." "$app"
cp "$root/.ci/pack/next-login.mjs" "$app"
cd "$app"
export NEXT_TELEMETRY_DISABLED=1
npm install --no-audit --no-fund --silent "$tarball" >/dev/null
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')

# `next start` with FACTORKIT_KEY=$1 (unset when empty); once it answers, runs the rest; then stops it.
serve() {
  local key=$1
  shift
  if [ -n "$key" ]; then
    FACTORKIT_KEY=$key node_modules/.bin/next start -p "$port" -H 127.0.0.1 >server.log 2>&1 &
  else
    env -u FACTORKIT_KEY node_modules/.bin/next start -p "$port" -H 127.0.0.1 >server.log 2>&1 &
  fi
  server_pid=$!
  node -e 'const go=async()=>{for(let i=0;i<300;i++){if(await fetch(process.argv[1]).then(()=>1,()=>0))return;await new Promise(r=>setTimeout(r,100))}process.exit(1)};go()' \
    "http://127.0.0.1:$port/login"
  "$@"
  kill "$server_pid"
  wait "$server_pid" 2>/dev/null || true
  server_pid=
}
missing_key() {
  local status
  status=$(node -e 'fetch(process.argv[1],{method:"POST",headers:{"content-type":"application/json"},body:"{}"}).then(r=>console.log(r.status))' \
    "http://127.0.0.1:$port/api/login")
  if [ "$status" != 500 ] || ! grep -q 'FACTORKIT_KEY is not set' server.log; then
    echo "Next.js example without FACTORKIT_KEY: answered $status; the log does not name the key" >&2
    cat server.log >&2
    exit 1
  fi
  echo "Next.js example without FACTORKIT_KEY: the build passed; the first request says what is missing"
}

for bundler in turbopack webpack; do
  rm -rf .next
  flag=$([ "$bundler" = webpack ] && echo --webpack || true)
  # The webpack build compiles the sources the Turbopack build just type-checked: CI skips that
  # second check (a CI-only file; the app itself has no next.config).
  if [ "$bundler" = webpack ]; then echo 'export default { typescript: { ignoreBuildErrors: true } };' >next.config.mjs; fi
  started=$(date +%s)
  env -u FACTORKIT_KEY node_modules/.bin/next build $flag >build.log 2>&1 || { cat build.log >&2; exit 1; }
  echo "next build ($bundler, no FACTORKIT_KEY): ok in $(($(date +%s) - started)) s"
  if [ "$bundler" = turbopack ]; then serve '' missing_key; fi
  serve "$(node -e 'console.log(require("crypto").randomBytes(32).toString("hex"))')" node next-login.mjs "http://127.0.0.1:$port"
done
