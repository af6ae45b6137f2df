/**
 * The three adapters' servers in a process of their own, for `valgrind --tool=callgrind`
 * (bench/adapter-instructions.ts drives it and sends the requests from outside valgrind): Express,
 * Fastify and Hono as bench/http-adapters.ts starts them, each with its framework's bare JSON route
 * beside factorkit's endpoints, on a MemoryStore without telemetry. Prints
 * `ready {"express":url,...}` once `count` pending logins per adapter are made, then serves until
 * stdin says `end`. Sessions are named `<adapter>-<i>` (the `x-session` header).
 *
 *   tsx bench/http-calls.ts <count>
 */
import { createInterface } from 'node:readline';
import { MemoryStore } from '../src/entries/index.js';
import { benchTwoFactor, PATIENT_POLICY } from './bench-facade.js';
import { pendingLogins, startExpress, startFastify, startHono } from './http-adapters.js';

const count = Number(process.argv[2] ?? '200');
const tf = benchTwoFactor(new MemoryStore(), PATIENT_POLICY, { openTelemetry: false });
const { sessions, prepare } = pendingLogins(tf);
const servers = {
  express: await startExpress(tf, sessions),
  fastify: await startFastify(tf, sessions),
  hono: await startHono(tf, sessions),
};
for (const adapter of Object.keys(servers)) await prepare(adapter, count);
const urls = Object.fromEntries(Object.entries(servers).map(([name, server]) => [name, server.url]));
console.log(`ready ${JSON.stringify(urls)}`);
for await (const line of createInterface({ input: process.stdin })) if (line === 'end') break;
await Promise.all(Object.values(servers).map((server) => server.close()));
process.exit(0);
