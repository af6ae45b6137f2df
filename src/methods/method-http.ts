import type { z } from 'zod';
import type { Actor } from '../core/events.js';
import type { MethodContext } from './context.js';
import type { SessionSetupResult } from './setup-attempt.js';
import type { SetupSession } from './setup-session.js';

/**
 * What a method contributes to the HTTP layer, and what the HTTP layer gives its routes: written
 * here, below `src/http/`, so that a method folder never imports the layer that serves it. The
 * HTTP layer implements {@link MethodRouteContext} for each request (`src/http/method-routes.ts`).
 */

/** An answer as a method's route gives it (the HTTP layer's `HttpAnswer`). */
export interface MethodAnswer {
  status: number;
  /** The JSON body (ignored when `attachment` is set). */
  body: unknown;
  /** A file download instead of JSON (its `Content-Disposition` is among the headers). */
  attachment?: { contentType: string; text: string };
  /** Extra headers, in order; `Set-Cookie` may repeat. */
  headers: Array<[string, string]>;
  /** The catalogue entry for the body's `message` when not its reason or error code (a refused key). */
  messageCode?: string;
}

/** What a message may say: the numbers of the answer it goes with (its other number fields too). */
export interface MessageData {
  now: number;
  attemptsLeft?: number;
  retryAt?: number;
  field?: string;
  /** A number field of the answer's body (`maxKeys` of `too-many-keys`). */
  readonly [name: string]: number | string | undefined;
}

/** One user-facing message: fixed text, or text made from the answer's numbers. */
export type Message = string | ((data: MessageData) => string);

/** One documented answer of a route (the OpenAPI document is generated from these). */
export interface RouteResponse {
  description: string;
  /** The JSON body's schema. */
  body?: z.ZodType;
  /** A text file instead of JSON. */
  text?: true;
}

/**
 * One endpoint a method adds: the HTTP layer mounts it beside its own routes, checks its guard,
 * CSRF and body, and lists it in the OpenAPI document. A method the host turned off answers 404.
 */
export interface MethodRoute<Context = MethodRouteContext> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Express-style path (`/totp/setup`, `/webauthn/keys/:keyId`), relative to the mount point. */
  path: string;
  /**
   * `pending`: a login waits for its second factor; `setup`: signed in, or setting up a required
   * first method; `signedIn`, `stepUp` (a fresh second factor), `admin` (with `permission`).
   */
  guard: 'pending' | 'setup' | 'signedIn' | 'stepUp' | 'admin';
  /**
   * The route's proof checks that the session is still open in the verify's first commit
   * (`ctx.verify` does): the guard then reads the session's state without a store call of its own.
   */
  checksSessionInCommit?: true;
  permission?: 'actor';
  /** The body schema (zod); requests without one take no body. */
  body?: z.ZodType;
  /** A one-line summary (OpenAPI, docs). */
  summary: string;
  /** What it answers besides the refusals its guard and body imply. */
  responses: Readonly<Record<number, RouteResponse>>;
  handle(ctx: Context): Promise<MethodAnswer>;
}

/** Building answers: the HTTP layer's own, so statuses, `Retry-After` and messages stay one rule. */
export interface RouteAnswers {
  json(status: number, body: unknown, headers?: Array<[string, string]>): MethodAnswer;
  /** An error answer: `{ error: code, ...extra }`. */
  refusal(status: number, error: string, extra?: Record<string, unknown>): MethodAnswer;
  /**
   * The answer for an `{ ok, reason, retryAt? }` result: 200 when ok; 429 with `Retry-After` when
   * locked or cooling down; `status` otherwise.
   */
  result(
    result: { ok: boolean; reason?: string; retryAt?: number | undefined },
    status: number,
  ): MethodAnswer;
}

/**
 * What a method's route handler gets: its own facade parts, the request's user and body, and the
 * session steps every method shares (step-up before a change, the session after a setup or proof).
 */
export interface MethodRouteContext<
  Api = unknown,
  Login = unknown,
  Option = unknown,
  Admin = unknown,
  InSession = unknown,
> {
  /** The method's facade namespace (`tf.totp`). */
  api: Api;
  /** Its calls bound to this session (the module's `api.inSession`: its setup confirms), or undefined. */
  inSession: InSession;
  /** The calls the method adds to `tf.login` (`sendEmailCode`). */
  login: Login;
  /** The calls the method adds to `tf.admin`, authorized as the facade authorizes them. */
  admin: Admin;
  /** The method's adapter option (`webauthn: { rpId, rpName, origin }`), undefined when the host set none. */
  option: Option | undefined;
  /** The validated body (undefined for a route without a body schema). */
  body: unknown;
  params: Readonly<Record<string, string>>;
  /** The session's user: signed in, setting up, or (on `pending` routes) waiting for its code. */
  userId: string;
  /** For `admin` routes: the actor. */
  actor: Actor | null;
  /**
   * The open challenge: the pending login's on `pending` routes, else the session's step-up
   * (null when none was started: answer 409 `no-step-up`).
   */
  challengeId: string | null;
  answers: RouteAnswers;
  /** The label the user knows the account by (the adapter's `accountName`, default the user id). */
  accountName(): Promise<string>;
  /** Once 2FA is on, adding or replacing a method needs a fresh second factor: 403 `step-up-required`, or null. */
  stepUpMissing(): Promise<MethodAnswer | null>;
  /** Whether the session is signed in with a second factor verified within the policy's `stepUpMaxAgeMs`. */
  freshFactor(): Promise<boolean>;
  /**
   * The answer to a setup's confirmation (`SetupResult`): the first method signs a setup-required
   * session in (new session id) and counts as a fresh second factor.
   */
  confirmed(result: {
    ok: boolean;
    reason?: string;
    backupCodes?: string[] | undefined;
  }): Promise<MethodAnswer>;
  /**
   * A setup confirmed bound to this session (a route with `checksSessionInCommit`): `confirm` calls
   * the method's session-bound confirm (`inSession`) with the session given, which checks it is
   * open and applies the step-up rule in the attempt's commit and changes it in the enable commit.
   * Answers as `confirmed` does; 401 `not-signed-in` (the state wiped) for a session closed, 403
   * `step-up-required`.
   */
  confirmInSession(
    confirm: (session: SetupSession) => Promise<SessionSetupResult<SetupOutcome>>,
  ): Promise<MethodAnswer>;
  /**
   * Verifies a proof on the open challenge (`tf.login.verify`) and answers as `/login/verify` and
   * `/step-up/verify` do: signed in (new session id, the trusted-browser cookie when
   * `rememberDevice`), a fresh second factor, or the refusal.
   */
  verify(proof: object, options?: { rememberDevice?: boolean | undefined }): Promise<MethodAnswer>;
  /** Keeps this session open after a change that ended the user's sessions. */
  keepSession(): Promise<void>;
  /** The `Set-Cookie` header that clears the trusted-browser cookie. */
  clearDeviceCookie(): [string, string];
}

/** What a setup's confirmation answers, as `confirmed` reads it. */
export type SetupOutcome =
  | { ok: true; backupCodes?: string[] | undefined }
  | { ok: false; reason: string; [extra: string]: unknown };

/** A method's part of the HTTP layer. */
export interface MethodHttp {
  /**
   * The adapter option it reads (`twoFactorRouter(tf, { webauthn })`), validated when the adapter is
   * built (`CONFIG` naming it).
   */
  option?: {
    name: string;
    schema: z.ZodType;
    /** What else the option needs of the facade (`CONFIG` when it lacks it: security keys' library). */
    check?(ctx: MethodContext): void;
  };
  routes?: readonly MethodRoute[];
  /** The schema of its part of `GET /status` (what its `status` hook returns). */
  status?: z.ZodRawShape;
  /** The user-facing messages of the reasons and error codes its routes answer with (English). */
  messages?: Readonly<Record<string, Message>>;
}
