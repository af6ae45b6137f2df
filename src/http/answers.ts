import { FactorkitError } from '../core/errors.js';
import type { HttpAnswer } from './types.js';

/** A JSON answer. */
export function json(status: number, body: unknown, headers: Array<[string, string]> = []): HttpAnswer {
  return { status, body, headers };
}

/** An error answer: `{ error: code, ...extra }`. */
export function refusal(status: number, error: string, extra: Record<string, unknown> = {}): HttpAnswer {
  return json(status, { error, ...extra });
}

const STATUS_BY_CODE: Partial<Record<string, number>> = {
  INVALID_INPUT: 400,
  NOT_AUTHORIZED: 403,
  NOT_ENABLED: 409,
  MAIL_FAILED: 502,
  DELIVERY_FAILED: 502,
  STORE_UNAVAILABLE: 503,
};

/** An error a framework's body reader or router marks as the client's (a bad charset, a bad `%` escape). */
function clientStatus(error: unknown): number | null {
  const status =
    (error as { status?: unknown; statusCode?: unknown } | null)?.status ??
    (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : null;
}

/**
 * The one mapping of thrown errors to HTTP: factorkit codes to their statuses with the code in
 * kebab case (`store-unavailable`); a request the framework could not read 400 `bad-request` (415
 * for an encoding it does not know); anything else 500 `internal`. Never an internal message, a
 * stack or a path.
 */
export function errorAnswer(error: unknown): HttpAnswer {
  if (error instanceof FactorkitError) {
    const status = STATUS_BY_CODE[error.code] ?? 500;
    const code = status === 500 ? 'internal' : error.code.toLowerCase().replace(/_/g, '-');
    return refusal(status, code, error.field && status === 400 ? { field: error.field } : {});
  }
  const status = clientStatus(error);
  if (status === 413) return refusal(413, 'too-large');
  if (status !== null) return refusal(status === 415 ? 415 : 400, 'bad-request');
  return refusal(500, 'internal');
}

/** Whether an answer hides an error the operator should see. */
export const isServerError = (answer: HttpAnswer) => answer.status >= 500;

/** The `Retry-After` header for `retryAt`: whole seconds from `now` (at least 1). */
export function retryAfter(retryAt: number, now: number): [string, string] {
  return ['Retry-After', String(Math.max(1, Math.ceil((retryAt - now) / 1000)))];
}

/** A refusal until `retryAt`: 429 with `Retry-After`. */
export function tooManyRequests(body: unknown, retryAt: number, now: number): HttpAnswer {
  return json(429, body, [retryAfter(retryAt, now)]);
}

/**
 * The answer for an `{ ok, reason, retryAt? }` result of a code or a send: 200 when ok; 429 with
 * `Retry-After` when locked or cooling down; `status` otherwise.
 */
export function resultAnswer(
  result: { ok: boolean; reason?: string; retryAt?: number | undefined },
  now: number,
  status: number,
): HttpAnswer {
  if (result.ok) return json(200, result);
  if ((result.reason === 'locked' || result.reason === 'cooldown') && result.retryAt !== undefined) {
    return tooManyRequests(result, result.retryAt, now);
  }
  return json(status, result);
}
