import type { MethodModule } from '../../methods/method-module.js';

/** What one event means for the notices about a method (built from the modules' `notices`). */
export interface MethodChange {
  /** The method's words in a sentence ("a security key"), when its module gives them. */
  name: string | undefined;
  added: boolean;
  removed: boolean;
  /** A factor's own off event: "2FA is off" when it was the last factor. */
  off: boolean;
}

/**
 * The events that add or remove a method, by event type, from `modules` (each declares its own;
 * a module without `notices` uses `<id>.enabled` and `<id>.disabled`), so the notices name no method.
 */
export function methodChangesOf(modules: readonly MethodModule[]): ReadonlyMap<string, MethodChange> {
  const changes = new Map<string, MethodChange>();
  const at = (type: string, name: string | undefined) => {
    const change = changes.get(type) ?? { name, added: false, removed: false, off: false };
    changes.set(type, change);
    return change;
  };
  for (const module of modules) {
    const name = module.notices?.name;
    for (const type of module.notices?.added ?? [`${module.id}.enabled`]) at(type, name).added = true;
    for (const type of module.notices?.removed ?? [`${module.id}.disabled`]) at(type, name).removed = true;
    if (module.role === 'factor') at(`${module.id}.disabled`, name).off = true;
  }
  return changes;
}
