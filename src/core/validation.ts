import { z } from 'zod';
import { ConfigError, InvalidInputError } from './errors.js';

function describe(error: z.ZodError): { path: string; message: string } {
  const issue = error.issues[0];
  const path = issue && issue.path.length > 0 ? issue.path.join('.') : '';
  return { path, message: issue?.message ?? 'invalid' };
}

/** Parses options at construction; a failure is a `CONFIG` error naming the option. */
export function parseOptions<S extends z.ZodType>(schema: S, value: unknown, scope: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const { path, message } = describe(result.error);
  throw new ConfigError(path ? `${scope}.${path}` : scope, message);
}

/** Parses a public argument; a failure is an `INVALID_INPUT` error naming the argument. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, name: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const { path, message } = describe(result.error);
  throw new InvalidInputError(path ? `${name}.${path}` : name, message);
}

/** A user id: any string of 1 to 256 characters chosen by the host. */
export const userIdSchema = z.string().min(1).max(256);
