import { ConfigError } from '../core/errors.js';
import type { MethodModule } from './method-module.js';

/**
 * Checks that `modules` can share one facade: one id, facade namespace, option, record name and
 * route each, and no option of the facade's own (`reserved`).
 * @throws {FactorkitError} `CONFIG` naming the module and what it repeats.
 */
export function checkModules(modules: readonly MethodModule[], reserved: readonly string[]): void {
  const seen = new Map<string, string>(reserved.map((name) => [`the option ${name}`, 'the facade']));
  const claim = (what: string, owner: string) => {
    const first = seen.get(what);
    if (first !== undefined) throw new ConfigError('options.methods', `${owner} repeats ${what} of ${first}`);
    seen.set(what, owner);
  };
  for (const module of modules) {
    claim(`the id ${module.id}`, module.id);
    if (module.api) claim(`the facade namespace ${module.api.name}`, module.id);
    for (const name of Object.keys(module.options ?? {})) claim(`the option ${name}`, module.id);
    for (const name of Object.keys(module.records)) claim(`the record ${name}`, module.id);
    for (const route of module.http?.routes ?? [])
      claim(`the route ${route.method} ${route.path}`, module.id);
  }
}
