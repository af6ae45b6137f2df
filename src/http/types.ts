import type { z } from 'zod';
import type { TwoFactor } from '../app/create-two-factor.js';
import type { Actor } from '../core/events.js';
import type { MethodAnswer } from '../methods/method-http.js';
import type { MethodHttpOptions } from '../methods/registry.js';
import type { MessageCatalogue } from './messages.js';
import type { RequestContextOptions } from './request-context.js';
import type { SessionState, TwoFactorSessionAccess } from './session.js';

/** Who may reach a route. */
export type Guard = 'none' | 'pending' | 'setup' | 'signedIn' | 'stepUp' | 'admin';

/** A request as the HTTP layer sees it: no framework types. */
export interface HttpRequest<Native = unknown> {
  method: string;
  params: Record<string, string>;
  /** The raw body and its content type; undefined when the request has none. */
  body: { text: string; contentType: string | undefined } | undefined;
  /** A request header (any case). */
  header(name: string): string | undefined;
  /** The connection's peer address, when the framework knows it (`requestContext.clientAddress: 'socket'`). */
  peerAddress?: string | undefined;
  session: TwoFactorSessionAccess;
  /** The framework's own request, handed to the host's callbacks. */
  native: Native;
}

/** An answer as the HTTP layer gives it (a method's route gives the same): adapters copy it onto their response. */
export type HttpAnswer = MethodAnswer;

/**
 * Options shared by every adapter; `Native` is the framework's request type. The methods add theirs
 * (`webauthn`: the relying party and the page origin registrations happen on, `rpId` `example.com`,
 * `origin` `https://app.example.com`; without it the security-key endpoints answer 404).
 */
export interface TwoFactorHttpOptions<Native> extends MethodHttpOptions {
  /** The admin acting, for admin endpoints; null when not an admin. */
  getActor?(req: Native): Actor | null | undefined | Promise<Actor | null | undefined>;
  /** Label for the authenticator app entry and the backup-codes file (default: the user id). */
  accountName?(userId: string, req: Native): string | Promise<string>;
  /** Whether this request may change the org policy (default: when `getActor` returns an actor). */
  canManagePolicy?(req: Native): unknown;
  /**
   * The users of the admin's org, from the host's directory (`GET /admin/overview` counts them; at
   * most 1,000). Without it, the overview endpoint answers 404.
   */
  usersOf?(req: Native): readonly string[] | Promise<readonly string[]>;
  /** Admin actions (issue a code, reset, change the policy) need a fresh second factor (default true). */
  adminStepUp?: boolean;
  /** Extra CSRF check for state-changing requests, after the built-in rules (see docs/http.md). */
  csrf?(req: Native): unknown;
  /** Origins allowed to send state-changing requests besides the request's own host. */
  trustedOrigins?: readonly string[];
  /** Trusted-browser cookie. */
  cookie?: { name?: string; secure?: boolean; path?: string; domain?: string };
  /**
   * User-facing messages (`message` in every refusal), per code: a partial catalogue over the
   * English default, or a function of the request choosing one (a locale).
   */
  messages?: Partial<MessageCatalogue> | ((req: Native) => Partial<MessageCatalogue> | undefined);
  /**
   * Serves the OpenAPI 3.1 document of these endpoints at `GET /openapi.json` (default: off);
   * `prefix` is where the routes are mounted, for the document's paths.
   */
  openApi?: { prefix?: string } | undefined;
  /**
   * What of the request goes on the events it raises (the audit log): its id always (header
   * `x-request-id`, else a random one); the client address and user agent when asked for.
   */
  requestContext?: RequestContextOptions;
  /** Called with every error answered 500, 502 or 503 (the answer itself never carries details). */
  onError?(error: unknown, req: Native): void;
  now?: () => number;
}

/** What a route handler receives. */
export interface RouteContext<Native = unknown> {
  tf: TwoFactor;
  req: HttpRequest<Native>;
  /** The parsed, validated body. */
  body: unknown;
  /** The session state the guard let through (null for `none`). */
  state: SessionState | null;
  /** For `admin` routes: the actor. */
  actor: Actor | null;
  options: ResolvedOptions<Native>;
}

/** Options with defaults applied. */
export interface ResolvedOptions<Native> extends TwoFactorHttpOptions<Native> {
  now: () => number;
  adminStepUp: boolean;
  cookieName: string;
  cookieAttributes: string;
}

/** One endpoint of the route table. */
export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Express-style path (`/devices/:deviceId`), relative to where the routes are mounted. */
  path: string;
  guard: Guard;
  /**
   * The route checks that the session is still open in its own first commit (a verify's attempt):
   * the guard then reads the state without a round trip of its own. Its handler must refuse a
   * session found closed as the guard would have.
   */
  checksSessionInCommit?: true;
  /** For `admin` routes: which permission the host grants (`getActor` or `canManagePolicy`). */
  permission?: 'actor' | 'policy';
  /** The body schema (zod); requests without one take no body. */
  body?: z.ZodType;
  /** A one-line summary (OpenAPI, docs). */
  summary: string;
  /**
   * What it answers besides the refusals its guard and body imply (the OpenAPI document is
   * generated from these): status, description and JSON body schema (`text` for a file).
   */
  responses: Readonly<Record<number, { description: string; body?: z.ZodType; text?: true }>>;
  handle(ctx: RouteContext): Promise<HttpAnswer>;
}
