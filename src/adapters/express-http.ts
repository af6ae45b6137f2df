import type { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import { FactorkitError } from '../errors.js';

/** Express helpers shared by the adapter's routes. Internal. */

const STATUS_BY_CODE: Record<string, number> = {
  INVALID_INPUT: 400,
  NOT_AUTHORIZED: 403,
  NOT_ENABLED: 409,
  MAIL_FAILED: 502,
  STORE_UNAVAILABLE: 503,
};

/** Maps a thrown error to an HTTP answer: factorkit codes to statuses, anything else to 500. */
export function sendError(res: Response, error: unknown): void {
  if (error instanceof FactorkitError) {
    const status = STATUS_BY_CODE[error.code] ?? 500;
    res.status(status).json({
      error: error.code.toLowerCase().replace(/_/g, '-'),
      ...(error.field ? { field: error.field } : {}),
    });
    return;
  }
  res.status(500).json({ error: 'internal' });
}

/** Parses a request body with zod: a 400 naming the field on failure. */
export function parseBody<S extends z.ZodType>(
  schema: S,
  req: Request,
  res: Response,
): z.output<S> | undefined {
  const result = schema.safeParse(req.body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  res
    .status(400)
    .json({ error: 'invalid-input', field: issue?.path.join('.') || 'body', message: issue?.message });
  return undefined;
}

/** Wraps an async handler so that a rejection becomes an HTTP error instead of an unhandled one. */
export function handle(fn: (req: Request, res: Response) => Promise<void>) {
  return (req: Request, res: Response, _next: NextFunction) => {
    fn(req, res).catch((error: unknown) => sendError(res, error));
  };
}

/** Reads one cookie from the Cookie header (no cookie-parser needed). */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** Whether a request changes state (and so must pass the CSRF rules). */
export const isStateChanging = (req: Request) => !['GET', 'HEAD', 'OPTIONS'].includes(req.method);

export const codeBody = z.object({ code: z.string().min(1).max(256) });

/** Sends a send-code answer: 429 with Retry-After for a cooldown, 409 for other refusals. */
export function sendAnswer(
  res: Response,
  result: { ok: boolean; reason?: string; retryAt?: number | undefined },
  now: number,
): void {
  if (!result.ok && result.reason === 'cooldown' && result.retryAt) {
    res.set('Retry-After', String(Math.max(1, Math.ceil((result.retryAt - now) / 1000))));
    res.status(429).json(result);
    return;
  }
  res.status(result.ok ? 200 : 409).json(result);
}
