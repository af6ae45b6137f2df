import type { TwoFactor } from '../app/create-two-factor.js';
import { contextOf } from '../app/internals.js';
import { FactorkitError } from '../core/errors.js';
import { Keyring } from '../core/keyring.js';
import { clearCookie, cookieAttributes, readCookie } from './cookies.js';
import type { TwoFactorHttp } from './create-http.js';
import type { HostHelpers } from './native-binding.js';
import type { SessionState, TwoFactorSessionAccess } from './session.js';

/** The built-in session's cookie (its `Secure`, `Path` and `Domain` follow the adapter's `cookie`). */
export interface SessionCookieOptions {
  /** Default `factorkit_session`. */
  name?: string;
  /** How long the browser keeps it; default: until the browser closes. The registry's lifetime applies either way. */
  maxAgeMs?: number;
}

/** What the built-in session seals with: the facade's keyring. */
interface Sealer {
  readonly currentId: string;
  seal(plaintext: string, context: string): string;
  open(sealed: string, context: string): string;
}

/** Browsers keep cookies up to 4096 bytes, name and attributes included. */
const MAX_COOKIE_BYTES = 4000;

/** One request's session, and the `Set-Cookie` its changes call for. */
interface RequestSession extends TwoFactorSessionAccess {
  /** The `Set-Cookie` value for the changes since the last call, or null when there are none. */
  takeSetCookie(): string | null;
}

/**
 * The session for web-standard hosts (Hono, Next.js route handlers), so they write no session code:
 * the 2FA state itself, sealed (AES-256-GCM under the facade's current key, bound to this cookie's
 * name) in an HttpOnly cookie. Nothing else is kept: whether the session is open is still decided
 * by factorkit's registry (`tf.sessions`) on every request, so a copied or replayed cookie of a
 * session that was signed out, rotated away (every privilege change opens a new registry key and
 * closes the old one) or ended by a 2FA change is signed out; and each state names its one user.
 * A rotation seals anew. A cookie that does not open (tampered, of a removed key) is no session;
 * one sealed under an older key opens and goes back sealed under the current key (docs/keys.md), so
 * a key rotation signs no one out, and the old key can go once the browsers in use came back.
 */
export function cookieSessions<Native extends object>(
  tf: TwoFactor,
  options: {
    cookie?: SessionCookieOptions | undefined;
    attributes?: { secure?: boolean; path?: string; domain?: string } | undefined;
  },
  cookieHeader: (native: Native) => string | undefined,
) {
  const sealer: Sealer = contextOf(tf).keyring;
  const name = options.cookie?.name ?? 'factorkit_session';
  const attributes = cookieAttributes(options.attributes);
  const maxAge =
    options.cookie?.maxAgeMs === undefined ? '' : `; Max-Age=${Math.floor(options.cookie.maxAgeMs / 1000)}`;
  const context = `factorkit/http-session/${name}`;
  const byRequest = new WeakMap<Native, RequestSession>();

  const over = (header: string | undefined): RequestSession => {
    const sent = readCookie(header, name);
    let state: unknown;
    let read = false;
    let changed = false;
    /** Whether the browser holds the cookie (sent, or set earlier in this request). */
    let held = sent !== undefined;
    const current = () => {
      if (!read && sent !== undefined) {
        try {
          state = JSON.parse(sealer.open(sent, context));
          changed = Keyring.keyIdOf(sent) !== sealer.currentId;
        } catch {
          state = undefined;
        }
      }
      read = true;
      return state;
    };
    const write = (next: unknown) => {
      read = true;
      state = next;
      changed = true;
    };
    return {
      get: current,
      set: write,
      // Sealed anew (new IV); the registry key the state holds is what retires the old cookie.
      rotate: () => write(current()),
      destroy: () => write(undefined),
      takeSetCookie() {
        if (!changed) return null;
        changed = false;
        if (state === undefined) {
          const clear = held ? clearCookie(name, attributes) : null;
          held = false;
          return clear;
        }
        const line = `${name}=${sealer.seal(JSON.stringify(state), context)}${maxAge}${attributes}`;
        // The state's fields are bounded well under this; a browser would drop the cookie silently.
        if (line.length > MAX_COOKIE_BYTES)
          throw new FactorkitError('BUG', `[http] the session cookie would be ${line.length} bytes`);
        held = true;
        return line;
      },
    };
  };

  return {
    /** The session of this request (the same object for every call on it). */
    session(native: Native): RequestSession {
      let session = byRequest.get(native);
      if (!session) {
        session = over(cookieHeader(native));
        byRequest.set(native, session);
      }
      return session;
    },
    /** A session over a `Cookie` header alone, to read (a Next.js proxy, a server component). */
    fromHeader: (header: string | undefined): TwoFactorSessionAccess => over(header),
  };
}

/** How an adapter reads a request's cookies and adds a `Set-Cookie` to its response. */
export interface CookieIo<Native> {
  cookieHeader(native: Native): string | undefined;
  appendSetCookie(native: Native, line: string): void;
}

/** The built-in session as an adapter uses it: the session, and its changes onto the response. */
export interface BuiltInSession<Native> {
  session(native: Native): TwoFactorSessionAccess;
  /** Adds the session's changes so far to the response (before the answer or the host's route). */
  flush(native: Native): void;
  /** The host helpers, each followed by {@link BuiltInSession.flush}. */
  helpers(helpers: HostHelpers<Native>): HostHelpers<Native>;
  /** The state of a web-standard request or its headers, read only (a Next.js proxy, a server component). */
  stateOf(request: Request | Headers): Promise<SessionState | null>;
}

/** {@link cookieSessions} wired to an adapter's request and response. */
export function builtInSession<Native extends object>(
  tf: TwoFactor,
  http: TwoFactorHttp<Native>,
  options: Parameters<typeof cookieSessions>[1],
  io: CookieIo<Native>,
): BuiltInSession<Native> {
  const sessions = cookieSessions<Native>(tf, options, io.cookieHeader);
  const flush = (native: Native) => {
    const line = sessions.session(native).takeSetCookie();
    if (line) io.appendSetCookie(native, line);
  };
  const flushed =
    <A extends unknown[], R>(helper: (native: Native, ...args: A) => Promise<R>) =>
    async (native: Native, ...args: A): Promise<R> => {
      try {
        return await helper(native, ...args);
      } finally {
        flush(native);
      }
    };
  return {
    session: sessions.session,
    flush,
    helpers: (helpers) => ({
      beginLogin: flushed(helpers.beginLogin),
      signOut: flushed(helpers.signOut),
      userId: flushed(helpers.userId),
      state: flushed(helpers.state),
    }),
    stateOf: (request) => {
      const headers = request instanceof Headers ? request : request.headers;
      return http.state(sessions.fromHeader(headers.get('cookie') ?? undefined));
    },
  };
}
