/** Every refusal: a stable code, a user-facing message, and the field at fault for bad input. */
export interface ErrorBody {
  /** stable code: not-signed-in, step-up-required, invalid-input, csrf, ... */
  error: string;
  /** a user-facing sentence from the message catalogue (the host's `messages`) */
  message: string;
  /** for invalid-input: the field at fault */
  field?: string;
}

/**
 * One answer of an endpoint, typed by status: narrowing on `status` gives the body the OpenAPI
 * document gives for it (`docs/openapi.json`).
 */
export type Answer<ByStatus> = {
  [S in keyof ByStatus]: S extends number
    ? {
        status: S;
        body: ByStatus[S];
        /** `Retry-After` in seconds (a lock, an email cooldown), null without one. */
        retryAfterSeconds: number | null;
        headers: Headers;
      }
    : never;
}[keyof ByStatus];

/**
 * An answer that did not come from factorkit (a status or body it never answers: a proxy's error
 * page, a route not mounted): thrown, since no result can describe it.
 */
export class TwoFactorClientError extends Error {
  readonly status: number;
  constructor(status: number, message: string, options?: { cause?: unknown }) {
    super(`[factorkit] [client] ${message}`, options);
    this.name = 'TwoFactorClientError';
    this.status = status;
  }
}

/**
 * Reads an answer: JSON, or text for a download. A status the endpoint does not answer, or a body
 * that is neither, came from elsewhere (the host's 404, a proxy) and throws {@link TwoFactorClientError}.
 */
export async function readAnswer(
  res: Response,
  statuses: string[],
): Promise<Answer<Record<number, unknown>>> {
  if (!statuses.includes(String(res.status))) {
    throw new TwoFactorClientError(res.status, `${res.url} answered ${res.status}, which factorkit does not`);
  }
  const type = res.headers.get('content-type') ?? '';
  let body: unknown;
  try {
    if (/[/+]json\b/i.test(type)) body = await res.json();
    else if (res.ok && /^text\/plain\b/i.test(type)) body = await res.text();
  } catch (cause) {
    throw new TwoFactorClientError(res.status, `the answer to ${res.url} is not valid JSON`, { cause });
  }
  if (body === undefined) {
    throw new TwoFactorClientError(res.status, `${res.url} answered ${res.status} without a factorkit body`);
  }
  return { status: res.status, body, retryAfterSeconds: retryAfter(res.headers), headers: res.headers };
}

/** `Retry-After` as seconds from now: a number of seconds or an HTTP date (RFC 9110). */
function retryAfter(headers: Headers): number | null {
  const value = headers.get('retry-after');
  if (value === null) return null;
  if (/^\d+$/.test(value.trim())) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}
