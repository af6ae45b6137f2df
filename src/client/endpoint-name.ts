/**
 * The client's name of an endpoint, read off its method and path so that a route added to the
 * table gets its call with no hand edit: the path's segments in camelCase (parameters dropped:
 * they become the call's first arguments); a POST is named by its path (`/login/verify` ->
 * `login.verify`), a GET, PUT or DELETE by its path and `get`, `update` or `remove`
 * (`GET /status` -> `status.get`, `DELETE /devices/:deviceId` -> `devices.remove`).
 */
export function endpointName(method: string, path: string): string[] {
  const segments = path
    .split('/')
    .filter((segment) => segment !== '' && !segment.startsWith(':'))
    .map((segment) => segment.replace(/[-.](\w)/g, (_, letter: string) => letter.toUpperCase()));
  const verb = VERBS[method];
  return verb ? [...segments, verb] : segments;
}

const VERBS: Record<string, string> = { GET: 'get', PUT: 'update', DELETE: 'remove' };

/** The names of a path's parameters, in order (`/admin/users/:userId/reset` -> `['userId']`). */
export const pathParams = (path: string): string[] =>
  path
    .split('/')
    .filter((segment) => segment.startsWith(':'))
    .map((segment) => segment.slice(1));
