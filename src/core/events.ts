/** Who performs an admin action. */
export interface Actor {
  id: string;
  roles?: string[];
}

/**
 * The events of the facade itself. Each method adds its own (`MethodModule.events`: `totp.enabled`,
 * `backup-code.used`); `TwoFactorEventType` from `factorkit` is the union of both.
 */
export type CoreEventType =
  | 'code.replayed'
  | 'admin.reset'
  | 'challenge.started'
  | 'verify.succeeded'
  | 'verify.failed'
  | 'challenge.locked'
  | 'challenge.ended'
  | 'account.locked'
  | 'device.trusted'
  | 'device.revoked'
  | 'devices.revoked'
  | 'sessions.ended'
  | 'policy.changed';

/** An event's type: `<subject>.<what happened>`. */
export type EventName = `${string}.${string}`;

/**
 * An audit event of type `Type`. `actor` is set for admin actions; `detail` carries event-specific
 * facts. The facade's events are `TwoFactorEvent<TwoFactorEventType>` (as `factorkit` exports it).
 */
export interface TwoFactorEvent<Type extends string = string> {
  type: Type;
  at: number;
  userId?: string;
  actor?: Actor;
  detail?: Record<string, string | number | boolean | null>;
}

/** An event as the facade raises it (the emitter stamps `at`). */
export type EventInput = Omit<TwoFactorEvent<CoreEventType | EventName>, 'at'>;

/** Delivers events to the host's hook; a failing hook never breaks the flow that raised it. */
export function createEmitter(
  hook: ((event: TwoFactorEvent) => void | Promise<void>) | undefined,
  now: () => number,
): (event: EventInput) => Promise<void> {
  return async (event) => {
    if (!hook) return;
    try {
      await hook({ ...event, at: now() });
    } catch (error) {
      process.emitWarning(`[factorkit] onEvent hook threw for ${event.type}: ${String(error)}`);
    }
  };
}
