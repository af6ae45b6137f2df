import type { WebauthnSettings } from './webauthn-json.js';
import { webauthnLibrary } from './webauthn-library.js';

/**
 * Whether a registration's attestation statement may go to the verifier. Under attestation `none`
 * (the default) only a statement that names no certificate is taken: `none`, or `packed` self
 * attestation. A statement with certificates makes the verifier fetch the revocation lists those
 * certificates name, URLs the client chose: from the app server, before anything is trusted (a
 * blind request forgery). A browser asked for `none` sends no certificates. Under `direct` or
 * `enterprise` the host asked for certificates and vouches for the server's egress (docs/webauthn.md).
 */
export function statementAllowed(attestationObject: string, settings: WebauthnSettings): boolean {
  if (settings.attestation !== 'none') return true;
  const { decodeAttestationObject, isoBase64URL } = webauthnLibrary(settings).helpers;
  try {
    const decoded = decodeAttestationObject(isoBase64URL.toBuffer(attestationObject));
    const format = decoded.get('fmt');
    const statement = decoded.get('attStmt');
    if (format === 'none') return true;
    return format === 'packed' && statement.get('x5c') === undefined;
  } catch {
    return false;
  }
}
