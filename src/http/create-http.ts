import type { TwoFactor } from '../app/create-two-factor.js';
import type { LoginStart } from '../app/login/start.js';
import { errorAnswer, isServerError, refusal } from './answers.js';
import { cookieAttributes, readCookie } from './cookies.js';
import { hasFreshFactor, notSignedIn, passGuard } from './guards.js';
import { BODY_LIMIT_BYTES, csrfRefusal, readBody } from './request-rules.js';
import { adminRoutes } from './routes/admin.js';
import { backupCodeRoutes } from './routes/backup-codes.js';
import { deviceRoutes } from './routes/devices.js';
import { loginRoutes } from './routes/login.js';
import { methodRoutes } from './routes/methods.js';
import { stepUpRoutes } from './routes/step-up.js';
import {
  changePrivilege,
  endSession,
  readState,
  type SessionState,
  signedIn,
  type TwoFactorSessionAccess,
} from './session.js';
import type { HttpAnswer, HttpRequest, ResolvedOptions, Route, TwoFactorHttpOptions } from './types.js';

/** Every endpoint, in the order the docs list them. */
export const routes: readonly Route[] = [
  ...loginRoutes,
  ...methodRoutes,
  ...backupCodeRoutes,
  ...deviceRoutes,
  ...stepUpRoutes,
  ...adminRoutes,
];

/** The framework-neutral HTTP layer: what every adapter wraps. */
export interface TwoFactorHttp<Native> {
  readonly routes: readonly Route[];
  /** Largest body an adapter reads; a longer one is answered with {@link TwoFactorHttp.tooLarge}. */
  readonly bodyLimitBytes: number;
  /** Runs one route. Never throws: every error becomes an answer without internals. */
  dispatch(route: Route, req: HttpRequest<Native>): Promise<HttpAnswer>;
  /** After the password check: asks for a code, trusts the browser or signs in; new session id. */
  beginLogin(req: HttpRequest<Native>, userId: string): Promise<LoginStart>;
  /** Signs the session out: the 2FA state is wiped and the session ends. */
  signOut(session: TwoFactorSessionAccess): Promise<void>;
  /** For the host's own routes: null when the session may pass, else the refusal. */
  check(guard: 'signedIn' | 'stepUp', session: TwoFactorSessionAccess): Promise<HttpAnswer | null>;
  /** The signed-in user of a session (a password-only or setup-required session is not), or null. */
  userId(session: TwoFactorSessionAccess): Promise<string | null>;
  /** The state of a session, for display ("this browser"), or null. */
  state(session: TwoFactorSessionAccess): Promise<SessionState | null>;
  /** Answers for bodies an adapter refused before parsing. */
  readonly tooLarge: HttpAnswer;
  /** The answer for an error raised outside a route (an adapter's body reader, say). */
  fail(error: unknown, native: Native): HttpAnswer;
}

/** Builds the HTTP layer for a facade. Adapters call this; hosts use an adapter. */
export function createTwoFactorHttp<Native>(
  tf: TwoFactor,
  options: TwoFactorHttpOptions<Native> = {},
): TwoFactorHttp<Native> {
  const resolved: ResolvedOptions<Native> = {
    ...options,
    now: options.now ?? Date.now,
    adminStepUp: options.adminStepUp ?? true,
    cookieName: options.cookie?.name ?? 'factorkit_device',
    cookieAttributes: cookieAttributes(options.cookie),
  };
  const fail = (error: unknown, native: Native) => {
    const answer = errorAnswer(error);
    if (isServerError(answer)) report(resolved, error, native);
    return answer;
  };

  return {
    routes,
    bodyLimitBytes: BODY_LIMIT_BYTES,
    tooLarge: refusal(413, 'too-large'),
    fail,
    async dispatch(route, req) {
      try {
        const csrf = csrfRefusal(req, resolved.trustedOrigins ?? []);
        if (csrf) return csrf;
        if (resolved.csrf && !(await resolved.csrf(req.native))) return refusal(403, 'csrf');
        const body = readBody(route, req);
        if (!('ok' in body)) return body;
        const passed = await passGuard(tf, route, req, resolved);
        if ('status' in passed) return passed;
        const answer = await route.handle({ tf, req, body: body.value, ...passed, options: resolved });
        return noStore(answer);
      } catch (error) {
        return fail(error, req.native);
      }
    },
    async beginLogin(req, userId) {
      const deviceToken = readCookie(req.header('cookie'), resolved.cookieName);
      const start = await tf.login.start(userId, { deviceToken });
      let state: SessionState;
      if (start.status === 'challenge') {
        state = { stage: 'pending', userId, challengeId: start.challengeId, methods: start.methods };
      } else if (start.status === 'setup-required') {
        state = { stage: 'setup', userId };
      } else {
        state = signedIn(userId, { deviceId: start.status === 'trusted-device' ? start.deviceId : null });
      }
      // Whatever the session held before (another account's proof included) is replaced.
      await changePrivilege(req.session, state);
      return start;
    },
    signOut: endSession,
    async check(guard, session) {
      const state = await readState(session);
      if (state === null || state.stage === 'pending') return notSignedIn(state);
      if (state.stage === 'setup') return refusal(403, 'setup-required');
      if (guard === 'stepUp' && !(await hasFreshFactor(tf, state, resolved.now()))) {
        return refusal(403, 'step-up-required');
      }
      return null;
    },
    async userId(session) {
      const state = await readState(session);
      return state?.stage === 'signed-in' ? state.userId : null;
    },
    state: readState,
  };
}

function report<Native>(options: ResolvedOptions<Native>, error: unknown, native: Native): void {
  try {
    if (options.onError) options.onError(error, native);
    else console.error('[factorkit] [http] request failed:', error);
  } catch {
    // A failing logger must not turn a clean 500 into a crash.
  }
}

/** 2FA answers carry secrets (QR codes, backup codes): never cached. */
function noStore(answer: HttpAnswer): HttpAnswer {
  return { ...answer, headers: [...answer.headers, ['Cache-Control', 'no-store']] };
}
