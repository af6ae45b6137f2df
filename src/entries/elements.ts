import { FactorkitAdminAgent } from '../elements/admin-agent-element.js';
import { define } from '../elements/base-element.js';
import { FactorkitChallenge } from '../elements/challenge-element.js';
import { FactorkitPolicy } from '../elements/policy-element.js';
import { FactorkitSettings } from '../elements/settings-element.js';

define('factorkit-challenge', FactorkitChallenge);
define('factorkit-settings', FactorkitSettings);
define('factorkit-admin-agent', FactorkitAdminAgent);
define('factorkit-policy', FactorkitPolicy);

export { type AnyAnswer, define, FactorkitElement, type Say } from '../elements/base-element.js';
export { registerMessages } from '../elements/messages/catalogues.js';
export type { Catalogue, Text, TextArgs, TextKey } from '../elements/messages/en.js';
export type { Format } from '../elements/messages/format.js';
export { stepUp, withStepUp } from '../elements/step-up.js';
export { FactorkitAdminAgent, FactorkitChallenge, FactorkitPolicy, FactorkitSettings };
