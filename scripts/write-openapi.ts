/**
 * `npm run openapi`: writes docs/openapi.json from the route table, and from it the endpoints of
 * the browser client (src/client/endpoints.ts); tests check both are current.
 */
import { writeFileSync } from 'node:fs';
import { openApiDocument } from '../src/http/openapi.js';
import { routes } from '../src/http/routes/index.js';
import { clientSource } from './client-source.js';

const document = openApiDocument(routes, { prefix: '/2fa' });
const file = new URL('../docs/openapi.json', import.meta.url);
writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
console.log(`wrote ${file.pathname}`);
const client = new URL('../src/client/endpoints.ts', import.meta.url);
writeFileSync(client, clientSource(JSON.parse(JSON.stringify(document)), '/2fa'));
console.log(`wrote ${client.pathname}`);
