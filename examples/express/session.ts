import { randomBytes } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';

/** A tiny in-memory session for the example (use express-session or your own in production). */
export interface Session extends Record<string, unknown> {
  loginMethods?: string[];
}

declare module 'express-serve-static-core' {
  interface Request {
    session: Session;
    sessionId: string;
  }
}

const COOKIE = 'example_sid';
/** Sessions idle longer than this are forgotten. */
const IDLE_MS = 8 * 3_600_000;
const sessions = new Map<string, Session>();
const lastSeen = new Map<string, number>();

function sweep(now: number): void {
  for (const [sid, seen] of lastSeen) {
    if (now - seen > IDLE_MS) {
      sessions.delete(sid);
      lastSeen.delete(sid);
    }
  }
}

function readSid(req: Request): string | undefined {
  const match = req.headers.cookie?.match(new RegExp(`(?:^|;\\s*)${COOKIE}=([A-Za-z0-9_-]{43})`));
  return match?.[1];
}

function issue(res: Response, session: Session, secure: boolean): string {
  const sid = randomBytes(32).toString('base64url');
  sessions.set(sid, session);
  res.cookie(COOKIE, sid, { httpOnly: true, sameSite: 'lax', secure, path: '/' });
  return sid;
}

/** Loads or creates the session of this browser. */
export function sessionMiddleware(options: { secure: boolean }): RequestHandler {
  let requests = 0;
  return (req, res, next) => {
    const now = Date.now();
    if (++requests % 1000 === 0) sweep(now);
    const sid = readSid(req);
    if (sid && now - (lastSeen.get(sid) ?? now) > IDLE_MS) sessions.delete(sid);
    const existing = sid ? sessions.get(sid) : undefined;
    if (sid && existing) {
      req.session = existing;
      req.sessionId = sid;
    } else {
      req.session = {};
      req.sessionId = issue(res, req.session, options.secure);
    }
    lastSeen.set(req.sessionId, now);
    next();
  };
}

/** A new session id for the same data: call on every change of who is signed in (no fixation). */
export function rotateSession(req: Request, res: Response, secure: boolean): void {
  sessions.delete(req.sessionId);
  lastSeen.delete(req.sessionId);
  req.sessionId = issue(res, req.session, secure);
}

/** Forgets the session. */
export function destroySession(req: Request, res: Response): void {
  sessions.delete(req.sessionId);
  lastSeen.delete(req.sessionId);
  res.clearCookie(COOKIE, { path: '/' });
}
