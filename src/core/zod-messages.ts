import type { z } from 'zod';

/** The parts of a zod schema's definition this file reads (zod 4's `_zod.def`). */
interface Def {
  type: string;
  values?: readonly unknown[];
  entries?: Record<string, unknown>;
  shape?: Record<string, z.ZodType>;
  options?: readonly z.ZodType[];
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;
const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional']);

/** The schema under its wrappers (optional, default, ...) and pipes. */
function unwrap(schema: z.ZodType): z.ZodType {
  let def = defOf(schema);
  while (WRAPPERS.has(def.type) || def.type === 'pipe') {
    schema = (def.type === 'pipe' ? def.in : def.innerType) as z.ZodType;
    def = defOf(schema);
  }
  return schema;
}

/** The schema at `path` inside `schema`, or undefined when the path leaves what it describes. */
export function schemaAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let here: z.ZodType | undefined = schema;
  for (const key of path) {
    if (!here) return undefined;
    const def = defOf(unwrap(here));
    if (def.type === 'object') here = def.shape?.[String(key)];
    else if (def.type === 'array') here = def.element;
    else if (def.type === 'record') here = def.valueType;
    else if (def.type === 'union')
      here = def.options?.map((option) => schemaAt(option, [key])).find((found) => found !== undefined);
    else return undefined;
  }
  return here;
}

/** The keys an object schema takes, optional ones marked (`{ trustDays }`, `{ current, ...? }`). */
export function keysOf(schema: z.ZodType): string[] {
  const def = defOf(unwrap(schema));
  return def.type === 'object' ? Object.keys(def.shape ?? {}) : [];
}

/** What a schema accepts, in words: `"every-login" or an object { trustDays }`. */
export function expectedOf(schema: z.ZodType): string {
  const def = defOf(unwrap(schema));
  switch (def.type) {
    case 'literal':
      return (def.values ?? []).map((value) => JSON.stringify(value)).join(' or ');
    case 'enum':
      return `one of ${Object.values(def.entries ?? {})
        .map((value) => JSON.stringify(value))
        .join(', ')}`;
    case 'object':
      return `an object { ${keysOf(schema).join(', ')} }`;
    case 'union':
      return (def.options ?? []).map(expectedOf).join(' or ');
    case 'array':
      return 'a list';
    case 'record':
      return `an object of ${def.valueType ? expectedOf(def.valueType).replace(/^an? /, '') : 'value'}s`;
    case 'boolean':
      return 'true or false';
    case 'custom':
      return 'a value of its own kind';
    default:
      return `a ${def.type}`;
  }
}

/** A received value, in words: `"daily"`, `5`, `an object { days }`. */
export function receivedOf(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object' && value !== null) return `an object { ${Object.keys(value).join(', ')} }`;
  const text = typeof value === 'bigint' ? `${value}n` : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The value at `path` in `value`. */
export function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let here = value;
  for (const key of path) here = (here as Record<PropertyKey, unknown> | null | undefined)?.[key];
  return here;
}

/**
 * One issue as a sentence that says what was expected: zod's own words where they do (a type, a
 * range, an enum), and for what they do not, the accepted shapes (a union: zod says only "Invalid
 * input") or the known keys (an unknown key: a typo'd option).
 */
export function describeIssue(schema: z.ZodType, value: unknown, issue: z.core.$ZodIssue): string {
  const at = issue.path;
  if (issue.code === 'invalid_union') {
    const here = schemaAt(schema, at);
    if (here) return `expected ${expectedOf(here)}, received ${receivedOf(valueAt(value, at))}`;
  }
  if (issue.code === 'unrecognized_keys') {
    const here = schemaAt(schema, at);
    const unknown = issue.keys.map((key) => JSON.stringify(key)).join(', ');
    const known = here ? keysOf(here) : [];
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${unknown}${known.length > 0 ? `: expected ${known.join(', ')}` : ''}`;
  }
  return issue.message;
}
