import type { RequestHandler } from 'express';

/**
 * Login CSRF and form CSRF: a form post must come from this site. Browsers say where a request
 * comes from (`Origin`, else `Sec-Fetch-Site`); a cross-site one is refused before it can sign the
 * browser in as someone else or out.
 */
export const sameOriginPosts: RequestHandler = (req, res, next) => {
  if (req.method !== 'POST') return next();
  const origin = req.get('origin');
  let sameSite = req.get('sec-fetch-site') !== 'cross-site';
  if (origin !== undefined) {
    try {
      sameSite = new URL(origin).host === req.get('host');
    } catch {
      sameSite = false;
    }
  }
  if (sameSite) return next();
  res.status(403).json({ error: 'csrf' });
};
