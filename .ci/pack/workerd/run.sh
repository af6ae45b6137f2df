#!/usr/bin/env bash
# hono-login.mjs inside Cloudflare's workerd with nodejs_compat: worker.mjs bundled by esbuild (as
# wrangler does with nodejs_compat: Node's modules, with or without the node: prefix, left to the
# runtime), served on a free port, asked once.
# Usage: run.sh <scratch project> <folder with workerd and esbuild installed>
set -euo pipefail
scratch=$1
tools=$(cd "$2" && pwd)
cd "$scratch/workerd"
# bcryptjs (loaded only for imported bcrypt hashes) imports bare "crypto", as many packages do.
node_builtins=$(node -p "require('module').builtinModules.map((name) => '--external:' + name).join(' ')")
"$tools/node_modules/.bin/esbuild" worker.mjs --bundle --format=esm --platform=neutral \
  --main-fields=module,main --conditions=workerd,worker,import --external:'node:*' $node_builtins \
  --outfile=worker.js --log-level=warning
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
sed "s/PORT/$port/" config.capnp > run.capnp
"$tools/node_modules/.bin/workerd" serve run.capnp >workerd.log 2>&1 &
workerd_pid=$!
trap 'kill "$workerd_pid" 2>/dev/null || true' EXIT
# Asked by Node's fetch (no curl on a clean machine), while workerd comes up.
version=$("$tools/node_modules/.bin/workerd" --version | cut -d' ' -f2)
node --input-type=module - "http://127.0.0.1:$port/" "$version" <<'JS'
const [url, version] = process.argv.slice(2);
for (let i = 0; i < 150; i++) {
  const answer = await fetch(url).catch(() => null);
  if (!answer) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    continue;
  }
  const text = await answer.text();
  if (answer.status !== 200) {
    console.error(`factorkit/hono on workerd ${version} (nodejs_compat): ${text}`);
    process.exit(1);
  }
  console.log(`factorkit/hono on workerd ${version} (nodejs_compat): ${text}`);
  process.exit(0);
}
console.error('workerd did not answer');
process.exit(1);
JS
