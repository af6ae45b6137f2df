import { FactorkitAdminAgent } from '../../elements/admin-agent-element.js';
import { define } from '../../elements/base-element.js';

/** `<factorkit-admin-agent>`, defined on import. */
define('factorkit-admin-agent', FactorkitAdminAgent);

export { FactorkitAdminAgent };
