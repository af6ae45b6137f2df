import { subscribe } from 'node:diagnostics_channel';
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterEach, expect } from 'vitest';

/**
 * Every event any facade emits while the suite runs is checked against the documented schema
 * (docs/audit-event.schema.json): factorkit publishes each on the `factorkit:event` diagnostics
 * channel, and a test that made an event off the schema fails.
 */
const schema = JSON.parse(
  readFileSync(new URL('../../docs/audit-event.schema.json', import.meta.url), 'utf8'),
);
const ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true });
(addFormats as unknown as (ajv: Ajv2020) => void)(ajv);
export const validateAuditEvent = ajv.compile(schema);

const state = globalThis as { __factorkitAuditViolations?: string[]; __factorkitAuditSeen?: number };
state.__factorkitAuditViolations = [];
state.__factorkitAuditSeen = 0;

subscribe('factorkit:event', (event) => {
  state.__factorkitAuditSeen! += 1;
  if (!validateAuditEvent(event))
    state.__factorkitAuditViolations!.push(
      `${JSON.stringify(event)}: ${ajv.errorsText(validateAuditEvent.errors)}`,
    );
});

afterEach(() => {
  const violations = state.__factorkitAuditViolations!.splice(0);
  expect(violations, 'events off docs/audit-event.schema.json').toEqual([]);
});
