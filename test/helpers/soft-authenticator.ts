import { createSign, type KeyObject, randomBytes } from 'node:crypto';
import type {
  WebauthnAssertionResponse,
  WebauthnCreationOptions,
  WebauthnRegistrationResponse,
  WebauthnRequestOptions,
} from '../../src/methods/webauthn/webauthn-json.js';
import { b64url, es256KeyPair, noneAttestation, sha256, u32 } from './webauthn-bytes.js';

/** One credential a soft authenticator holds. */
interface Held {
  id: Buffer;
  privateKey: KeyObject;
  publicCose: Uint8Array;
  rpId: string;
  userHandle: string;
  counter: number;
}

/**
 * A software authenticator for tests: ES256 keys, `none` attestation, a signature counter, and
 * responses shaped exactly like `@simplewebauthn/browser`'s. What a real key does, minus the
 * hardware; the browser suite uses Chromium's virtual authenticator for the real browser path.
 */
export class SoftAuthenticator {
  readonly held: Held[] = [];
  /** Counter step per signature; 0 mimics passkeys that keep no counter. */
  counterStep = 1;
  /** Whether the key verifies its user (PIN, biometric): sets the UV flag. */
  userVerified = true;
  /** Bytes of the credential ids it makes (real keys: 16 to 128). */
  credentialIdBytes = 32;
  /** When set, the authenticator data names this credential id, not the one the response carries. */
  authDataIdOverride: Buffer | null = null;
  /** When set, the next credential made has this id (a client may claim any id: they are public). */
  nextCredentialId: Buffer | null = null;

  /** `navigator.credentials.create()` at `origin`. */
  create(options: WebauthnCreationOptions, origin: string): WebauthnRegistrationResponse {
    const rpId = options.rp.id ?? new URL(origin).hostname;
    const { privateKey, publicCose } = es256KeyPair();
    const id = this.nextCredentialId ?? randomBytes(this.credentialIdBytes);
    this.nextCredentialId = null;
    const held: Held = { id, privateKey, publicCose, rpId, userHandle: options.user.id, counter: 0 };
    this.held.push(held);
    const attestationObject = noneAttestation({
      rpId,
      flags: this.flags(),
      counter: held.counter,
      credentialId: this.authDataIdOverride ?? id,
      publicCose,
    });
    return {
      id: b64url(id),
      rawId: b64url(id),
      type: 'public-key',
      response: {
        clientDataJSON: clientData('webauthn.create', options.challenge, origin),
        attestationObject: b64url(attestationObject),
        transports: ['usb'],
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'cross-platform',
    };
  }

  /** `navigator.credentials.get()` at `origin`, with the first held key the options allow (or `using`). */
  get(options: WebauthnRequestOptions, origin: string, using?: Held): WebauthnAssertionResponse {
    const allowed = new Set(options.allowCredentials.map((c) => c.id));
    const held = using ?? this.held.find((h) => allowed.has(b64url(h.id)) && h.rpId === options.rpId);
    if (!held) throw new Error('no credential for these options');
    held.counter += this.counterStep;
    return this.sign(held, options.challenge, origin, options.rpId);
  }

  /** An assertion over any challenge, origin and relying party (for refusal tests). */
  sign(held: Held, challenge: string, origin: string, rpId: string): WebauthnAssertionResponse {
    const authData = Buffer.concat([sha256(rpId), Buffer.from([this.flags()]), u32(held.counter)]);
    const clientDataJSON = clientData('webauthn.get', challenge, origin);
    const signer = createSign('SHA256');
    signer.update(Buffer.concat([authData, sha256(Buffer.from(clientDataJSON, 'base64url'))]));
    return {
      id: b64url(held.id),
      rawId: b64url(held.id),
      type: 'public-key',
      response: {
        clientDataJSON,
        authenticatorData: b64url(authData),
        signature: b64url(signer.sign(held.privateKey)),
        userHandle: held.userHandle,
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'cross-platform',
    };
  }

  private flags(): number {
    return 0x01 | (this.userVerified ? 0x04 : 0);
  }
}

function clientData(type: string, challenge: string, origin: string): string {
  return b64url(Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false })));
}
