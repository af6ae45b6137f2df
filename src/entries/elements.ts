import { define } from '../elements/base-element.js';
import { FactorkitChallenge } from '../elements/challenge-element.js';

define('factorkit-challenge', FactorkitChallenge);

export { define, FactorkitElement } from '../elements/base-element.js';
export type { Catalogue, Text, TextArgs, TextKey } from '../elements/messages/en.js';
export { registerMessages } from '../elements/messages/catalogues.js';
export { FactorkitChallenge };
