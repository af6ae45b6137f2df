import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { bundleForBench } from './bundle.js';
import { callgrindFlags, callgrindPhases } from './callgrind.js';

/** Requests a phase; phases of each side in turn, mirrored; the first cycle settles, uncounted. */
const PHASE_REQUESTS = 100;
const CYCLES = 4;
const WARM_UP = 1000;
const ADAPTERS = ['express', 'fastify', 'hono'] as const;
const ENDPOINTS = ['bare', 'wrong', 'none'] as const;
type Adapter = (typeof ADAPTERS)[number];
type Endpoint = (typeof ENDPOINTS)[number];
const SIDES = ADAPTERS.flatMap((adapter) => ENDPOINTS.map((endpoint) => ({ adapter, endpoint })));
/** Pending logins per adapter: ten wrong codes each (the patient policy allows twenty), with room. */
const PENDING = Math.ceil((WARM_UP + CYCLES * 2 * PHASE_REQUESTS) / 10) + 20;

export const ENDPOINT_NAMES: Record<Endpoint, string> = {
  bare: "the framework's bare JSON route (floor)",
  wrong: 'verify route, wrong code',
  none: 'verify route, no pending login',
};

/** One keep-alive connection per server, requests one after another: a server's work per request. */
export function adapterClient(urls: Record<Adapter, string>) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const wrongs: Record<Adapter, number> = { express: 0, fastify: 0, hono: 0 };
  // A server may close an idle kept-alive connection just as a request goes out on it (a phase of
  // another adapter outlasted its keep-alive timeout): that request never reached it, so it is sent
  // again, as Node's documentation advises (`request.reusedSocket`).
  const post = (url: string, path: string, session: string): Promise<void> =>
    postOnce(url, path, session).catch((error: NodeJS.ErrnoException & { reused?: boolean }) => {
      if (error.reused && error.code === 'ECONNRESET') return postOnce(url, path, session);
      throw error;
    });
  const postOnce = (url: string, path: string, session: string) =>
    new Promise<void>((resolve, reject) => {
      const body = JSON.stringify({ code: '000000' });
      const sent = request(
        `${url}${path}`,
        {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'x-session': session },
        },
        (answer) => {
          answer.resume();
          answer.once('end', () =>
            answer.statusCode === 401 ? resolve() : reject(new Error(`${path}: ${answer.statusCode}`)),
          );
        },
      );
      sent.once('error', (error) => reject(Object.assign(error, { reused: sent.reusedSocket })));
      sent.end(body);
    });
  const requests = async (adapter: Adapter, endpoint: Endpoint, amount: number) => {
    for (let i = 0; i < amount; i++) {
      if (endpoint === 'bare') await post(urls[adapter], '/bare', 'none');
      else if (endpoint === 'none') await post(urls[adapter], '/2fa/login/verify', 'none');
      else {
        const session = `${adapter}-${Math.floor(wrongs[adapter]++ / 10)}`;
        await post(urls[adapter], '/2fa/login/verify', session);
      }
    }
  };
  return { requests, close: () => agent.destroy() };
}

/**
 * Runs bench/http-calls.ts (from `tree`, bundled as the package is built: bench/bundle.ts) under callgrind, sends the warm-up with instrumentation
 * off, then counts each side's phases of requests (sent from this process, outside valgrind): all
 * the server process does meanwhile (Node's HTTP parser, the socket, timers, the framework, factorkit).
 * Per side, the counted phases' own instructions and GC.
 */
export async function countAdapterInstructions(tree: string, dir: string, name: string, nodeFlags: string[]) {
  const out = join(dir, `cg-${name}`);
  const child: ChildProcessWithoutNullStreams = spawn(
    'valgrind',
    [
      ...callgrindFlags(out),
      process.execPath,
      ...nodeFlags,
      bundleForBench(tree, 'bench/http-calls.ts'),
      String(PENDING),
    ],
    { stdio: ['pipe', 'pipe', 'pipe'], cwd: tree },
  );
  let http: ReturnType<typeof adapterClient> | undefined;
  const { phase } = await callgrindPhases(child, out, async (ready) => {
    http = adapterClient(JSON.parse(ready.slice('ready '.length)));
    for (const { adapter, endpoint } of SIDES) await http.requests(adapter, endpoint, WARM_UP);
  });
  const cycle = [...SIDES, ...[...SIDES].reverse()];
  const counted = new Map<string, Array<{ own: number; gc: number }>>();
  for (let c = 0; c < CYCLES; c++) {
    for (const { adapter, endpoint } of cycle) {
      const { own, gc } = await phase(() => http!.requests(adapter, endpoint, PHASE_REQUESTS));
      if (c === 0) continue;
      const key = `${adapter} ${endpoint}`;
      counted.set(key, [...(counted.get(key) ?? []), { own, gc }]);
    }
  }
  http!.close();
  child.stdin.write('end\n');
  await new Promise((resolve) => child.once('exit', resolve));
  return SIDES.map(({ adapter, endpoint }) => ({
    adapter,
    endpoint,
    phases: counted.get(`${adapter} ${endpoint}`)!,
  }));
}

export const PER_PHASE = PHASE_REQUESTS;
