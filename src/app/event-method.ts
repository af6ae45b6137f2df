import type { RaisedEvent } from '../core/events.js';
import { methodModules } from '../methods/registry.js';

const ids = new Set<string>(methodModules.map((m) => m.id));
/** Event prefixes that name a method by another word. */
const aliases: Record<string, string> = { 'backup-codes': 'backup-code' };
const byType: Record<string, string> = { 'admin.backup-code-issued': 'admin-code' };

/**
 * The method an event is about: its detail's `method` (a verify), else its type's prefix when that
 * is a method (`totp.enabled`), so a method's new events need no entry here.
 */
export function eventMethod(event: RaisedEvent): string | undefined {
  const given = event.detail?.['method'];
  if (typeof given === 'string') return given;
  const prefix = event.type.slice(0, event.type.indexOf('.'));
  const named = aliases[prefix] ?? prefix;
  return ids.has(named) ? named : byType[event.type];
}
