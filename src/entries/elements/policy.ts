import { define } from '../../elements/base-element.js';
import { FactorkitPolicy } from '../../elements/policy-element.js';

/** `<factorkit-policy>`, defined on import. */
define('factorkit-policy', FactorkitPolicy);

export { FactorkitPolicy };
