import { json } from '../answers.js';
import { openApiDocument } from '../openapi.js';
import type { Route } from '../types.js';

/** `GET /openapi.json`: the document of every endpoint in `table`, when the host turns it on (`openApi`). */
export function openApiRoute(table: readonly Route[], prefix: string): Route {
  const document = openApiDocument(table, { prefix });
  return {
    method: 'GET',
    path: '/openapi.json',
    guard: 'none',
    summary: 'This OpenAPI 3.1 document',
    responses: { 200: { description: 'the document' } },
    handle: async () => json(200, document),
  };
}
