/** A tiny browser for HTTP tests: a cookie jar over fetch, JSON in and out. */
export interface Answer {
  status: number;
  json: Record<string, unknown>;
  text: string;
  headers: Headers;
}

export class TestClient {
  readonly cookies = new Map<string, string>();

  /** `audit` sees every answer; what it returns (a problem) is kept in `problems`. */
  constructor(
    readonly base: string,
    private readonly audit?: (
      method: string,
      path: string,
      status: number,
      json: unknown,
      headers: Headers,
    ) => string | null,
    readonly problems: string[] = [],
  ) {}

  /** A fetch that sends and keeps this browser's cookies (for `createTwoFactorClient({ fetch })`). */
  readonly fetch: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    const cookie = this.cookieHeader();
    if (cookie) headers.set('cookie', cookie);
    const res = await fetch(input, { ...init, headers, redirect: 'manual' });
    this.remember(res.headers.getSetCookie());
    return res;
  };

  /** The cookie header this client sends. */
  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  /** Sends a request; `body` is sent as JSON unless `raw` gives the exact body and content type. */
  async call(
    method: string,
    path: string,
    body?: unknown,
    options: { headers?: Record<string, string>; raw?: { body: string; type?: string } } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { ...options.headers };
    const cookie = this.cookieHeader();
    if (cookie) headers['cookie'] = cookie;
    let payload: string | undefined;
    if (options.raw) {
      payload = options.raw.body;
      if (options.raw.type) headers['content-type'] = options.raw.type;
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers,
      redirect: 'manual',
      ...(payload === undefined ? {} : { body: payload }),
    });
    this.remember(res.headers.getSetCookie());
    const text = await res.text();
    let json: Record<string, unknown> = {};
    let parsed = false;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
      parsed = true;
    } catch {
      json = {};
    }
    const problem = this.audit?.(method, path, res.status, parsed ? json : text, res.headers);
    if (problem) this.problems.push(problem);
    return { status: res.status, json, text, headers: res.headers };
  }

  private remember(setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (!pair || eq < 1) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => {
        const [key, v] = a.trim().split('=');
        if (key?.toLowerCase() === 'max-age') return Number(v) <= 0;
        if (key?.toLowerCase() === 'expires') return Date.parse(v ?? '') <= Date.now();
        return false;
      });
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}
