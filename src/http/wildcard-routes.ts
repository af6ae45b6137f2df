import type { Route } from './types.js';

/** Routes registered at one URL of a router: a fixed path, or a static part and a wildcard. */
export interface WildcardMount {
  method: Route['method'];
  /** A route's own path, or its static part and `/*` (`/webauthn/keys/*`). */
  url: string;
  /**
   * Which route a request is for, with its parameters decoded; null when none fits (a 404).
   * `mountedUrl` is the URL the router matched (this one behind the host's prefix; read for a
   * wildcard only), `rawUrl` the request's, still percent-encoded.
   */
  match(mountedUrl: string, rawUrl: string): { route: Route; params: Record<string, string> } | null;
}

/**
 * The routes grouped for a router that limits parameter lengths itself: Fastify's answers 414 for a
 * parameter over its `maxParamLength` (100 by default), and a security key's id may be 1,400
 * characters, a user id 256. A route with parameters is registered as a wildcard after its static
 * part, and its parameters are read from the raw path, one segment each, as a router would.
 */
export function wildcardMounts(routes: readonly Route[]): WildcardMount[] {
  const byUrl = new Map<string, { method: Route['method']; url: string; routes: Route[] }>();
  for (const route of routes) {
    const at = route.path.indexOf('/:');
    const url = at === -1 ? route.path : `${route.path.slice(0, at)}/*`;
    const group = byUrl.get(`${route.method} ${url}`) ?? { method: route.method, url, routes: [] };
    group.routes.push(route);
    byUrl.set(`${route.method} ${url}`, group);
  }
  return [...byUrl.values()].map(({ method, url, routes: group }) => ({
    method,
    url,
    match(mountedUrl, rawUrl) {
      if (!url.endsWith('/*')) return { route: group[0] as Route, params: {} };
      // The raw segments after the static part.
      const fixed = mountedUrl.split('/').length - 1;
      const rest = (rawUrl.split('?')[0] ?? '').split('/').slice(fixed);
      if (rest.length > 1 && rest.at(-1) === '') rest.pop(); // a trailing slash
      for (const route of group) {
        const pattern = route.path.slice(route.path.indexOf('/:') + 1).split('/');
        const params = matchSegments(pattern, rest);
        if (params) return { route, params };
      }
      return null;
    },
  }));
}

/** The parameters when `segments` (raw) fit `pattern` (`:name` or a literal each), else null. */
function matchSegments(pattern: string[], segments: string[]): Record<string, string> | null {
  if (segments.length !== pattern.length) return null;
  const params: Record<string, string> = {};
  for (const [i, part] of pattern.entries()) {
    const segment = segments[i] ?? '';
    if (!part.startsWith(':')) {
      if (segment !== part) return null;
      continue;
    }
    if (segment === '') return null;
    try {
      params[part.slice(1)] = decodeURIComponent(segment);
    } catch {
      return null;
    }
  }
  return params;
}
