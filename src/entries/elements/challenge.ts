import { define } from '../../elements/base-element.js';
import { FactorkitChallenge } from '../../elements/challenge-element.js';

define('factorkit-challenge', FactorkitChallenge);
export { FactorkitChallenge };
