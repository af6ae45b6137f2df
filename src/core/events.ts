/** Who performs an admin action. */
export interface Actor {
  id: string;
  roles?: string[];
}

/** Every state change and security signal factorkit reports through `onEvent`. */
export type TwoFactorEventType =
  | 'totp.setup-started'
  | 'totp.enabled'
  | 'totp.disabled'
  | 'email.setup-started'
  | 'email.enabled'
  | 'email.disabled'
  | 'email.code-sent'
  | 'webauthn.setup-started'
  | 'webauthn.registered'
  | 'webauthn.renamed'
  | 'webauthn.removed'
  | 'webauthn.disabled'
  | 'webauthn.counter-regressed'
  | 'backup-codes.generated'
  | 'backup-code.used'
  | 'code.replayed'
  /** A sealed secret could not be opened (its key is not configured, or it is damaged): that method fails closed. */
  | 'secret.unreadable'
  | 'admin.backup-code-issued'
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

/** An audit event. `actor` is set for admin actions; `detail` carries event-specific facts. */
export interface TwoFactorEvent {
  type: TwoFactorEventType;
  at: number;
  userId?: string;
  actor?: Actor;
  detail?: Record<string, string | number | boolean | null>;
}

/** Delivers events to the host's hook; a failing hook never breaks the flow that raised it. */
export function createEmitter(
  hook: ((event: TwoFactorEvent) => void | Promise<void>) | undefined,
  now: () => number,
): (event: Omit<TwoFactorEvent, 'at'>) => Promise<void> {
  return async (event) => {
    if (!hook) return;
    try {
      await hook({ ...event, at: now() });
    } catch (error) {
      process.emitWarning(`[factorkit] onEvent hook threw for ${event.type}: ${String(error)}`);
    }
  };
}
