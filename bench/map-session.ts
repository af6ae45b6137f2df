import type { TwoFactorSessionAccess } from '../src/http/session.js';

/**
 * One session of a Map, as a class: methods on its prototype, not closures made per request. Under
 * tsx (which keeps function names, as the published build does not), each named closure made per
 * request costs a `defineProperty` of about 1.3 µs, billed to the route, not to the bare one.
 */
export class MapSession implements TwoFactorSessionAccess {
  constructor(
    private readonly states: Map<string, unknown>,
    private readonly id: string,
  ) {}
  get(): unknown {
    return this.states.get(this.id);
  }
  set(state: unknown): void {
    this.states.set(this.id, state);
  }
  rotate(): void {}
}
