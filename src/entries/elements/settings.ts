import { define } from '../../elements/base-element.js';
import { FactorkitSettings } from '../../elements/settings-element.js';

/** `<factorkit-settings>`, defined on import. */
define('factorkit-settings', FactorkitSettings);

export { FactorkitSettings };
