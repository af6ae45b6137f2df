import type { ErrorRequestHandler } from 'express';
import { FactorkitError } from 'factorkit';

/** Errors answer JSON with a stable code: never a stack trace or a file path. */
export const answerErrors: ErrorRequestHandler = (error, _req, res, _next) => {
  const type = (error as { type?: string }).type;
  const [status, code] =
    type === 'entity.too.large'
      ? [413, 'too-large']
      : type === 'entity.parse.failed'
        ? [400, 'invalid-body']
        : error instanceof FactorkitError && error.code === 'STORE_UNAVAILABLE'
          ? [503, 'store-unavailable']
          : [500, 'internal'];
  if (status >= 500) console.error('[example]', error);
  res.status(status).type('application/json').json({ error: code });
};
