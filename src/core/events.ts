import { channel } from 'node:diagnostics_channel';
import { currentRequest, type RequestInfo } from './request-scope.js';

/** Who performs an admin action. `org`: the organisation it acts in, when the host has them. */
export interface Actor {
  id: string;
  roles?: string[];
  org?: string;
}

/**
 * The events of the facade itself. Each method adds its own (`MethodModule.events`: `totp.enabled`,
 * `backup-code.used`); `TwoFactorEventType` from `factorkit` is the union of both.
 */
export type CoreEventType =
  | 'code.replayed'
  /** A sealed secret could not be opened (its key is not configured, or it is damaged): that method fails closed. */
  | 'secret.unreadable'
  | 'admin.reset'
  | 'challenge.started'
  | 'verify.succeeded'
  | 'verify.failed'
  | 'verify.refused'
  | 'challenge.locked'
  | 'challenge.ended'
  | 'account.locked'
  | 'device.trusted'
  | 'device.revoked'
  | 'devices.revoked'
  | 'sessions.ended'
  | 'session.ended'
  | 'policy.changed'
  /** A sign-in under the `required` rule in grace: setup recommended, skipped for now (detail: `deadline`). */
  | 'setup.deferred'
  /** A sign-in under the `required` rule past grace: setup required before anything else. */
  | 'setup.enforced'
  | 'notice.sent'
  | 'notice.failed'
  | 'notice.limited'
  /** `factorkit/import` wrote a user (detail: `methods`, `replaced`); never a secret. */
  | 'import.user';

/** An event's type: `<subject>.<what happened>`. */
export type EventName = `${string}.${string}`;

/** The version of the event shape (`docs/audit-event.schema.json`); it grows only by optional fields. */
export const EVENT_SCHEMA_VERSION = 1;

/**
 * What an event says happened: `success` (a proof accepted, a change made), `failure` (a wrong or
 * replayed proof, a mail that failed), `refused` (nothing evaluated or sent: a lock, a cooldown,
 * an ended challenge, a notice over its budget).
 */
export type EventOutcome = 'success' | 'failure' | 'refused';

/**
 * An audit event (schema version 1, `docs/audit-event.schema.json`). `userId` is the target,
 * `actor` who acted when it was not the user (admin actions), `method` the factor it is about,
 * `request` the HTTP request that caused it (its id always; client address and user agent when the
 * adapter's `requestContext` asks for them). `detail` carries event-specific facts; never a code or
 * a secret.
 *
 * `detail.credentialId` (the `webauthn.*` events) is unique per user only: a credential id is
 * public (every login's options list it) and a client may register a key of its own under any id,
 * another user's included. Key audit trails by `userId` and `credentialId` together, never by the
 * id alone (docs/webauthn.md, "Credential ids are unique per user only").
 *
 * `Type` is the event's type: the facade's events are `TwoFactorEvent<TwoFactorEventType>` (as
 * `factorkit` exports it), the facade's own types and its methods'.
 */
export interface TwoFactorEvent<Type extends string = string> {
  version: typeof EVENT_SCHEMA_VERSION;
  type: Type;
  /** When, in ms since the epoch (the facade's clock). */
  at: number;
  outcome: EventOutcome;
  userId?: string;
  actor?: Actor;
  /** The organisation, when there is one. */
  org?: string;
  method?: string;
  request?: RequestInfo;
  detail?: Record<string, string | number | boolean | null>;
}

/**
 * What a use case raises; the emitter adds the version, time, outcome, method and request. `org`
 * defaults to the actor's; `null` says the event is about no org (an operator acting on a user
 * outside every org), so the actor's `'*'` is not taken for it.
 */
export type RaisedEvent = Pick<
  TwoFactorEvent<CoreEventType | EventName>,
  'type' | 'userId' | 'actor' | 'detail'
> & { org?: string | null };

/** A subscriber to events: the host's `onEvent`, the metrics, the notices. */
export type EventListener = (event: TwoFactorEvent) => void | Promise<void>;

const FAILURE = /\.(failed|replayed|counter-regressed|unreadable)$/;
const REFUSED = /\.(refused|locked|limited)$|^challenge\.ended$/;

/** The outcome an event type stands for, read from its name so a new event needs no table entry. */
export function eventOutcome(type: string): EventOutcome {
  if (FAILURE.test(type)) return 'failure';
  return REFUSED.test(type) ? 'refused' : 'success';
}

/**
 * Every event is also published on this `node:diagnostics_channel` channel (when it has
 * subscribers): a log shipper or a test can see every facade's events without an `onEvent`.
 */
export const eventChannelName = 'factorkit:event';
const eventChannel = channel(eventChannelName);

/**
 * What raising an event returns when every listener returned at once (the common case): one promise,
 * already settled, shared by every such event. A hot path compares with it and skips the `await`
 * (with an AsyncLocalStorage on, each promise and each `await` runs a hook); anyone else awaits it
 * like any promise.
 */
export const EVENT_DELIVERED: Promise<void> = Promise.resolve();

/**
 * Delivers events to `listeners` in order (the host's hook first); a failing listener is reported
 * as a warning and never breaks the flow that raised the event. `methodOf` names the factor an
 * event is about (from its detail or its type's prefix).
 */
export function createEmitter(
  listeners: ReadonlyArray<EventListener | undefined>,
  now: () => number,
  methodOf: (event: RaisedEvent) => string | undefined,
): (event: RaisedEvent) => Promise<void> {
  const active = listeners.filter((listener): listener is EventListener => listener !== undefined);
  /** From listener `from` on, the first that returns a promise is awaited before the next is called. */
  const deliver = (event: TwoFactorEvent, from: number): Promise<void> => {
    for (let i = from; i < active.length; i++) {
      try {
        const pending = active[i]!(event);
        // A listener that returns nothing costs no promise of its own and no turn of the microtask queue.
        if (pending)
          return Promise.resolve(pending).then(
            () => deliver(event, i + 1),
            (error) => failed(event, error, i + 1),
          );
      } catch (error) {
        warn(event, error);
      }
    }
    if (eventChannel.hasSubscribers) eventChannel.publish(event);
    return EVENT_DELIVERED;
  };
  const failed = (event: TwoFactorEvent, error: unknown, next: number): Promise<void> => {
    warn(event, error);
    return deliver(event, next);
  };
  return (raised) => {
    const method = methodOf(raised);
    const request = currentRequest();
    const org = raised.org === undefined ? raised.actor?.org : raised.org;
    // Set one by one in this order (no object spread per field: every wrong code raises one).
    const event: TwoFactorEvent = {
      version: EVENT_SCHEMA_VERSION,
      type: raised.type,
      at: now(),
      outcome: eventOutcome(raised.type),
    };
    if (raised.userId !== undefined) event.userId = raised.userId;
    if (raised.actor) event.actor = raised.actor;
    if (org) event.org = org;
    if (method) event.method = method;
    if (request) event.request = request;
    if (raised.detail) event.detail = raised.detail;
    return deliver(event, 0);
  };
}

function warn(event: TwoFactorEvent, error: unknown): void {
  process.emitWarning(`[factorkit] an event listener threw for ${event.type}: ${String(error)}`);
}
