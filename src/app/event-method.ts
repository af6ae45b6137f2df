import type { RaisedEvent } from '../core/events.js';
import type { MethodModule } from '../methods/method-module.js';

/**
 * The method an event is about, for `modules`: its detail's `method` (a verify), else the method
 * that declares the event (`totp.enabled` is the app's, `admin.backup-code-issued` the admin-issued
 * code's), so a method's events need no entry here.
 */
export function eventMethodOf(modules: readonly MethodModule[]): (event: RaisedEvent) => string | undefined {
  const declared = new Map(modules.flatMap((m) => (m.events ?? []).map((type) => [type as string, m.id])));
  return (event) => {
    const given = event.detail?.['method'];
    return typeof given === 'string' ? given : declared.get(event.type);
  };
}
