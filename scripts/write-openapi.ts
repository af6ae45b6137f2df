/** `npm run openapi`: writes docs/openapi.json from the route table (a test checks it is current). */
import { writeFileSync } from 'node:fs';
import { openApiDocument } from '../src/http/openapi.js';
import { routes } from '../src/http/routes/index.js';

const file = new URL('../docs/openapi.json', import.meta.url);
writeFileSync(file, `${JSON.stringify(openApiDocument(routes, { prefix: '/2fa' }), null, 2)}\n`);
console.log(`wrote ${file.pathname}`);
