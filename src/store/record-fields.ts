import { FactorkitError } from '../core/errors.js';
import type { Fields } from './store.js';

/** A field a stored record must have; its absence means the record is damaged (`CORRUPT_RECORD`). */
export function requiredField(fields: Fields, name: string, record: string): string {
  const value = fields[name];
  if (value === undefined) throw new FactorkitError('CORRUPT_RECORD', `${record} record has no ${name}`);
  return value;
}

/** A JSON value stored in a field; text that does not parse means the record is damaged. */
export function parseStoredJson<T>(text: string, record: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (cause) {
    throw new FactorkitError('CORRUPT_RECORD', `${record} record holds text that is not JSON`, { cause });
  }
}

/** A stored whole number (a step, an instant in ms); anything else means the record is damaged. */
export function wholeNumberField(value: string, name: string, record: string): number {
  if (!/^\d{1,16}$/.test(value))
    throw new FactorkitError('CORRUPT_RECORD', `${record} record has a bad ${name}`);
  return Number(value);
}
