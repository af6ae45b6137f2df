import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../src/http/openapi.js';
import { routes } from '../../src/http/routes/index.js';

const document = openApiDocument(routes, { prefix: '/2fa' }) as {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>
  >;
};

describe('OpenAPI document', () => {
  it('docs/openapi.json is the document the route table generates (npm run openapi)', () => {
    const committed = JSON.parse(readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(document)));
  });

  it('lists every route, each with its answers, and every schema compiles as JSON Schema 2020-12', () => {
    const ajv = new Ajv2020({ strict: false });
    let operations = 0;
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        operations++;
        expect(Object.keys(operation.responses).length, `${method} ${path}`).toBeGreaterThan(2);
        for (const response of Object.values(operation.responses)) {
          const schema = response.content?.['application/json']?.schema;
          if (schema) expect(() => ajv.compile(schema)).not.toThrow();
        }
      }
    }
    expect(operations).toBe(routes.length);
  });
});
