import { readAnswer } from './answer.js';
import { endpointName } from './endpoint-name.js';
import { endpoints, type TwoFactorClient } from './endpoints.js';

/** Where the endpoints are and how to reach them. */
export interface TwoFactorClientOptions {
  /** Where the host mounted the endpoints: `/2fa` in a page of the same site, a full URL in Node. */
  baseUrl: string;
  /** The fetch to use (default: the global one); in Node, one that keeps the session cookie. */
  fetch?: typeof fetch;
  /** Whether the browser sends cookies (default `same-origin`; `include` for an API on another origin). */
  credentials?: RequestCredentials;
}

/**
 * A typed client of every endpoint of factorkit's HTTP layer, in the browser and in Node. Each
 * call sends what the CSRF rule wants (JSON, from the page's own origin) and resolves to the
 * answer, typed by status: `if (answer.status === 429) wait(answer.retryAfterSeconds)`. It
 * throws only when no factorkit answer came ({@link TwoFactorClientError}, or fetch's own error).
 *
 * @example
 * const client = createTwoFactorClient({ baseUrl: '/2fa' });
 * const answer = await client.login.verify({ code: '123456', rememberDevice: true });
 * if (answer.status === 200) location.assign('/');
 * else if (answer.status === 429) show(answer.body.message); // "Please try again in five minutes."
 */
export function createTwoFactorClient(options: TwoFactorClientOptions): TwoFactorClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const send = options.fetch ?? ((input, init) => fetch(input, init));
  const root: Record<string, unknown> = {};
  for (const endpoint of endpoints) {
    const [method, path, ...statuses] = endpoint.split(' ') as [string, string, ...string[]];
    const call = async (...args: unknown[]) => {
      const url = base + path.replace(/:\w+/g, () => encodeURIComponent(String(args.shift())));
      const init: RequestInit = { method, headers: { accept: 'application/json' } };
      if (options.credentials) init.credentials = options.credentials;
      if (method === 'POST' || method === 'PUT') {
        init.headers = { ...init.headers, 'content-type': 'application/json' };
        init.body = JSON.stringify(args[0] ?? {});
      }
      return readAnswer(await send(url, init), statuses);
    };
    attach(root, endpointName(method, path), call);
  }
  return root as unknown as TwoFactorClient;
}

/** Puts `call` at `name` in the tree; a name that is both a call and a namespace is a callable one. */
function attach(root: Record<string, unknown>, name: string[], call: (...args: unknown[]) => unknown): void {
  let node = root;
  for (const [index, part] of name.entries()) {
    const last = index === name.length - 1;
    const existing = node[part] as Record<string, unknown> | undefined;
    if (last) node[part] = existing ? Object.assign(call, existing) : call;
    else node[part] ??= {};
    node = node[part] as Record<string, unknown>;
  }
}
