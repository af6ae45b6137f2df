import { z } from 'zod';
import { ConfigError, InvalidInputError } from './errors.js';
import { describeIssue } from './zod-messages.js';

/** The first issue: where (a dotted path) and what was expected. */
function describe(schema: z.ZodType, value: unknown, error: z.ZodError): { path: string; message: string } {
  const issue = error.issues[0];
  if (!issue) return { path: '', message: 'invalid' };
  return { path: issue.path.join('.'), message: describeIssue(schema, value, issue) };
}

/** Parses options at construction; a failure is a `CONFIG` error naming the option and what it takes. */
export function parseOptions<S extends z.ZodType>(schema: S, value: unknown, scope: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const { path, message } = describe(schema, value, result.error);
  throw new ConfigError(path ? `${scope}.${path}` : scope, message);
}

/** Parses a public argument; a failure is an `INVALID_INPUT` error naming the argument and what it takes. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, name: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const { path, message } = describe(schema, value, result.error);
  throw new InvalidInputError(path ? `${name}.${path}` : name, message);
}

/**
 * No lone surrogate: such a string is not Unicode, so a store that keeps UTF-8 changes it (two
 * user ids would share one tag) and PostgreSQL's jsonb refuses it.
 */
const WELL_FORMED = /^[^\uD800-\uDFFF]*$/u;
/** Nor a control character: PostgreSQL cannot store a NUL, and names are shown to people. */
const STORABLE = /^[^\p{Cc}\uD800-\uDFFF]*$/u;

/** A string every store keeps as given: no control character, no lone surrogate. */
export const storableText = (options: { trim?: boolean } = {}) =>
  // Trimmed first, so that a trailing newline is trimmed away rather than refused.
  (options.trim ? z.string().trim() : z.string()).regex(
    STORABLE,
    'must not contain control characters or lone surrogates',
  );

/** A user id: any well-formed string of 1 to 256 characters chosen by the host. */
export const userIdSchema = z.string().min(1).max(256).regex(WELL_FORMED, 'must not contain lone surrogates');

/** Who does an admin action (`admin.*`, `policy.set`): stored with what it did, so storable text. */
export const actorSchema = z.object({
  id: storableText().min(1).max(256),
  roles: z.array(storableText().max(100)).max(100).optional(),
  // Kept for the audit events (`org`); organisations themselves are issue 21's.
  org: storableText().min(1).max(256).optional(),
});

/** Whether `value` is a function (options that are callbacks). */
export const isFunction = (value: unknown): value is (...args: never[]) => unknown =>
  typeof value === 'function';
