import type { MethodContext } from '../context.js';
import type { WebauthnSettings } from './webauthn-json.js';

/** The WebAuthn method's context: the shared one and how keys are asked for (option `webauthn`). */
export type WebauthnContext = MethodContext & { webauthn: WebauthnSettings };
