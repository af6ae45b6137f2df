import { z } from 'zod';
import { errorBody } from './response-schemas.js';
import type { Route } from './types.js';

type Json = Record<string, unknown>;
type Response = { description: string; schema?: Json; text?: true };

/** A zod schema as OpenAPI 3.1 (JSON Schema 2020-12) inlines it: no `$schema`, no `$defs`. */
function schemaFor(schema: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _drop, ...json } = z.toJSONSchema(schema, {
    io,
    target: 'draft-2020-12',
    unrepresentable: 'throw',
    reused: 'inline',
    cycles: 'throw',
  }) as Json;
  return json;
}

const error = (description: string): Response => ({ description, schema: schemaFor(errorBody, 'output') });

/** The refusals every route may answer, by what it is: its guard, whether it changes state, its body. */
function impliedResponses(route: Route): Array<[number, Response]> {
  const out: Array<[number, Response]> = [];
  if (route.method !== 'GET') {
    out.push(
      [403, error('csrf: a cross-site request')],
      [415, error('json-required: a POST or a body that is not JSON in UTF-8 (another charset is refused)')],
    );
    out.push(
      [400, error('invalid-json (one leading UTF-8 byte order mark is skipped)')],
      [400, error('bad-request: a body the client did not finish sending')],
      [413, error('too-large: a body over 16 KiB')],
    );
  }
  if (route.path.includes('/:')) out.push([400, error('bad-request: a path parameter with a bad % escape')]);
  if (route.body) out.push([400, error('invalid-input: `field` names the field at fault')]);
  if (route.guard === 'pending') out.push([401, error('no-pending-login')]);
  if (['setup', 'signedIn', 'stepUp', 'admin'].includes(route.guard)) {
    out.push([401, error('not-signed-in, or second-factor-required (a code is pending)')]);
  }
  if (['signedIn', 'stepUp', 'admin'].includes(route.guard)) out.push([403, error('setup-required')]);
  if (route.guard === 'stepUp') out.push([403, error('step-up-required: verify a code at /step-up first')]);
  if (route.guard === 'admin') out.push([403, error('not-authorized, or step-up-required')]);
  out.push([500, error('internal')], [503, error('store-unavailable: fail closed, try again')]);
  return out;
}

/** Merges the answers of one status: descriptions joined, bodies as `anyOf` when they differ. */
function responseObject(answers: Response[]): Json {
  const description = answers.map((answer) => answer.description).join('; ');
  if (answers.some((answer) => answer.text)) {
    return { description, content: { 'text/plain': { schema: { type: 'string' } } } };
  }
  const schemas = [
    ...new Map(answers.flatMap((a) => (a.schema ? [[JSON.stringify(a.schema), a.schema]] : []))).values(),
  ];
  const schema = schemas.length === 1 ? schemas[0] : { anyOf: schemas };
  return { description, content: { 'application/json': { schema } } };
}

/**
 * The OpenAPI 3.1 document of the route table, every request and response body included. `prefix`
 * is where the routes are mounted (`/2fa`). `docs/openapi.json` is this document (`npm run openapi`).
 */
export function openApiDocument(
  routes: readonly Route[],
  options: { prefix?: string; title?: string; version?: string } = {},
): Json {
  const paths: Record<string, Json> = {};
  for (const route of routes) {
    const path = (options.prefix ?? '') + route.path.replace(/:(\w+)/g, '{$1}');
    const byStatus = new Map<number, Response[]>();
    const answers: Array<[number, Response]> = [
      ...Object.entries(route.responses).map(([status, answer]): [number, Response] => [
        Number(status),
        {
          description: answer.description,
          ...(answer.body ? { schema: schemaFor(answer.body, 'output') } : {}),
          ...(answer.text ? { text: true as const } : {}),
        },
      ]),
      ...impliedResponses(route),
    ];
    for (const [status, answer] of answers) byStatus.set(status, [...(byStatus.get(status) ?? []), answer]);
    const params = [...route.path.matchAll(/:(\w+)/g)].map((match) => ({
      name: match[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    paths[path] ??= {};
    paths[path]![route.method.toLowerCase()] = {
      summary: route.summary,
      description: `Guard: ${route.guard}.`,
      ...(params.length > 0 ? { parameters: params } : {}),
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: schemaFor(route.body, 'input') } },
            },
          }
        : {}),
      responses: Object.fromEntries(
        [...byStatus]
          .sort(([a], [b]) => a - b)
          .map(([status, list]) => [String(status), responseObject(list)]),
      ),
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: options.title ?? 'factorkit 2FA endpoints', version: options.version ?? '0.1.0' },
    paths,
  };
}
