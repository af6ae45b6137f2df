import { json } from '../answers.js';
import { openApiDocument } from '../openapi.js';
import type { Route } from '../types.js';
import { routes } from './index.js';

/** `GET /openapi.json`: the document of every endpoint, when the host turns it on (`openApi`). */
export function openApiRoute(prefix: string): Route {
  const document = openApiDocument(routes, { prefix });
  return {
    method: 'GET',
    path: '/openapi.json',
    guard: 'none',
    summary: 'This OpenAPI 3.1 document',
    responses: { 200: { description: 'the document' } },
    handle: async () => json(200, document),
  };
}
