import { refusal } from './answers.js';
import type { HttpAnswer, HttpRequest, Route } from './types.js';

/** Largest body the routes read (the biggest legitimate one, a download of 20 codes, is < 1 KiB). */
export const BODY_LIMIT_BYTES = 16 * 1024;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)"?/i;

/**
 * Whether a content type is JSON as the endpoints take it: `application/json` (or `+json`) in
 * UTF-8. JSON exchanged between systems must be UTF-8 (RFC 8259, section 8.1), and every adapter
 * reads bodies as UTF-8: another declared charset is refused rather than decoded by one framework
 * and garbled by another.
 */
function isJsonType(contentType: string | undefined): boolean {
  if (!JSON_TYPE.test(contentType ?? '')) return false;
  const charset = CHARSET.exec(contentType ?? '')?.[1]?.toLowerCase();
  return charset === undefined || charset === 'utf-8' || charset === 'utf8';
}

/**
 * A body the framework could not read (the client hung up, a length that lies): the client's fault,
 * 400 `bad-request`, never an error for `onError`. `cause` is the framework's error.
 */
export function unreadableRequest(cause: unknown): Error {
  return Object.assign(new Error('the request could not be read', { cause }), { status: 400 });
}

/** One decoder for every body: a `decode` without `stream` keeps no state between calls. */
const UTF8 = new TextDecoder('utf-8');

/** Every adapter decodes bodies so: UTF-8, one leading byte order mark skipped, as `fetch` does. */
export const decodeBody = (bytes: Uint8Array): string => UTF8.decode(bytes);

/** Whether a request can change state (and so passes the CSRF rules). */
export const isStateChanging = (method: string) => !SAFE_METHODS.has(method.toUpperCase());

/**
 * The CSRF rule, in one place. A state-changing request must (1) come from the request's own
 * origin or a trusted one when the browser says where it comes from (`Origin`, else
 * `Sec-Fetch-Site`), and (2) carry JSON when it is a POST or has a body: an HTML form cannot send
 * JSON, and a cross-site script cannot without a CORS preflight the host does not grant. The host's
 * own guarded routes (`requireSignedIn`, `requireStepUp`), which may take forms, get (1).
 */
export function csrfRefusal(req: HttpRequest, trustedOrigins: readonly string[]): HttpAnswer | null {
  if (!isStateChanging(req.method)) return null;
  const origin = crossSiteRefusal(req, trustedOrigins);
  if (origin) return origin;
  const hasBody = req.body !== undefined && req.body.text.length > 0;
  if ((hasBody || req.method.toUpperCase() === 'POST') && !isJsonType(req.body?.contentType)) {
    return refusal(415, 'json-required');
  }
  return null;
}

/** Part (1) of the CSRF rule: a state-changing request the browser marks as cross-site is refused. */
export function originRefusal(
  req: Pick<HttpRequest, 'method' | 'header'>,
  trustedOrigins: readonly string[],
): HttpAnswer | null {
  return isStateChanging(req.method) ? crossSiteRefusal(req, trustedOrigins) : null;
}

/** Part (1) for a request already known to be state-changing. */
function crossSiteRefusal(
  req: Pick<HttpRequest, 'header'>,
  trustedOrigins: readonly string[],
): HttpAnswer | null {
  const origin = req.header('origin');
  if (origin !== undefined) {
    if (!sameOrTrusted(origin, req.header('host'), trustedOrigins)) return refusal(403, 'csrf');
  } else if (req.header('sec-fetch-site') === 'cross-site') {
    return refusal(403, 'csrf');
  }
  return null;
}

function sameOrTrusted(origin: string, host: string | undefined, trusted: readonly string[]): boolean {
  if (trusted.includes(origin)) return true;
  try {
    return host !== undefined && new URL(origin).host === host.toLowerCase();
  } catch {
    return false; // 'null' and other opaque origins
  }
}

/** The request body as the route's schema sees it, or the 400 that refuses it. */
export function readBody(route: Route, req: HttpRequest): { ok: true; value: unknown } | HttpAnswer {
  const text = req.body?.text ?? '';
  let parsed: unknown = {};
  if (text.trim().length > 0) {
    try {
      parsed = JSON.parse(text);
    } catch {
      return refusal(400, 'invalid-json');
    }
  }
  if (!route.body) return { ok: true, value: undefined };
  const result = route.body.safeParse(parsed);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  return refusal(400, 'invalid-input', {
    field: issue && issue.path.length > 0 ? issue.path.join('.') : 'body',
  });
}
