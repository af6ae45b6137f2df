// hono-login.mjs on Node, Bun or Deno (whichever runs this file).
import { honoLogin } from './hono-login.mjs';

const runtime = globalThis.Bun
  ? `Bun ${globalThis.Bun.version}`
  : globalThis.Deno
    ? `Deno ${globalThis.Deno.version.deno}`
    : `Node ${process.version}`;
try {
  console.log(`factorkit/hono on ${runtime}: ${await honoLogin()}: ok`);
} catch (error) {
  console.error(`factorkit/hono on ${runtime}: ${error.message}`);
  process.exit(1);
}
