import type { MessageCatalogue } from '../../../src/http/messages.js';
import type { RequestContextOptions } from '../../../src/http/request-context.js';

/** What every test host app takes: the environment and where to record the errors it hides. */
export interface HostOptions {
  /** Express's `env` (development or production): answers must not change with it. */
  env?: string;
  /** Receives every error answered 500/502/503 (the adapter's `onError`). */
  errors?: unknown[];
  /** The adapter's extra CSRF check (default: none). */
  csrf?: () => boolean;
  /** Security keys (the adapter's `webauthn` option; default: not configured). */
  webauthn?: { rpId: string; rpName: string; origin: string };
  /** The adapter's `openApi` option (default: the document is not served). */
  openApi?: { prefix: string };
  /**
   * The adapter's `messages` option: a catalogue for every request, or one chosen from the
   * request's `Accept-Language` (each host reads the header in its framework's idiom).
   */
  messages?: HostMessages;
  /** The adapter's `requestContext` option (what of the request goes on events). */
  requestContext?: RequestContextOptions;
  /** Files the host serves at GET `path` (the browser suites' pages and scripts). */
  pages?: Record<string, { type: string; body: string }>;
  /** The port to listen on (default: any free one). */
  port?: number;
}

/** A catalogue, or a function of the request's `Accept-Language` header choosing one. */
export type HostMessages =
  | Partial<MessageCatalogue>
  | ((acceptLanguage: string | undefined) => Partial<MessageCatalogue> | undefined);

/** The adapter's `messages` option for {@link HostMessages}, reading the header with `acceptLanguage`. */
export function adapterMessages<Native>(
  messages: HostMessages,
  acceptLanguage: (req: Native) => string | undefined,
): Partial<MessageCatalogue> | ((req: Native) => Partial<MessageCatalogue> | undefined) {
  return typeof messages === 'function' ? (req) => messages(acceptLanguage(req)) : messages;
}

/** A running host app: its base URL and how to stop it. */
export interface TestHost {
  base: string;
  close(): Promise<void>;
}

/**
 * The actor a test host's `getActor` returns: `x-admin: 1` marks an administrator, `x-org` the org
 * it administers (organizations' tests), `x-operator: 1` a platform operator (`org: '*'`).
 */
export function testActor(header: (name: string) => string | undefined) {
  if (header('x-admin') !== '1') return null;
  const org = header('x-operator') === '1' ? '*' : header('x-org');
  return { id: 'boss', roles: ['admin'], ...(org ? { org } : {}) };
}
