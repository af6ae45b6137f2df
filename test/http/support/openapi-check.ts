import { Ajv2020 } from 'ajv/dist/2020.js';
import { openApiDocument } from '../../../src/http/openapi.js';
import { routes } from '../../../src/http/routes/index.js';
import type { Route } from '../../../src/http/types.js';

type Operation = { responses: Record<string, { content?: Record<string, { schema: object }> }> };
type Check = (method: string, path: string, status: number, body: unknown, headers: Headers) => string | null;
const ajv = new Ajv2020({ strict: false });

/**
 * Whether an answer of the 2FA endpoints is one the OpenAPI document of `table` describes (its
 * status, and a JSON body its schema accepts): the document and the layer can never drift apart
 * unnoticed. A facade with methods of its own has a table of its own.
 */
export function undocumentedIn(table: readonly Route[]): Check {
  const document = openApiDocument(table, { prefix: '/2fa' }) as {
    paths: Record<string, Record<string, Operation>>;
  };
  const matchers = Object.entries(document.paths).map(([path, item]) => ({
    pattern: new RegExp(`^${path.replace(/\{\w+\}/g, '[^/]+')}$`),
    item,
  }));
  return (method, path, status, body, headers) => {
    const pathname = path.split('?')[0]!;
    // Only the layer's answers (all no-store); a framework's own (a URL it cannot decode) is not ours.
    if (!pathname.startsWith('/2fa/') || headers.get('cache-control') !== 'no-store') return null;
    const operation = matchers.find((m) => m.pattern.test(pathname))?.item[method.toLowerCase()];
    if (!operation) return null; // not a route (404 from the framework)
    const response = operation.responses[String(status)];
    if (!response) return `${method} ${pathname} answered ${status}, which the document does not list`;
    const schema = response.content?.['application/json']?.schema;
    if (!schema) return null;
    const validate = ajv.compile(schema);
    return validate(body) ? null : `${method} ${pathname} ${status}: ${ajv.errorsText(validate.errors)}`;
  };
}

/** The check against the document of the built-in methods' endpoints (`docs/openapi.json`). */
export const undocumented: Check = undocumentedIn(routes);
