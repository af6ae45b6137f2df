import { define } from '../../elements/base-element.js';
import { FactorkitChallenge } from '../../elements/challenge-element.js';

/** `<factorkit-challenge>`, defined on import. */
define('factorkit-challenge', FactorkitChallenge);

export { FactorkitChallenge };
