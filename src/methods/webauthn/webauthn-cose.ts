import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { FactorkitError } from '../../core/errors.js';

type Helpers = typeof import('@simplewebauthn/server/helpers');

/** COSE key parameters (RFC 9053) and the JWK curve of each COSE curve. */
const KTY = 1;
const ALG = 3;
const CRV = -1;
const X = -2;
const Y = -3;
const RSA_N = -1;
const RSA_E = -2;
const EC2_CURVES: Record<number, string> = { 1: 'P-256', 2: 'P-384', 3: 'P-521' };
const OKP_CURVES: Record<number, string> = { 6: 'Ed25519' };
const [EC2, OKP, RSA] = [2, 1, 3];
/**
 * The key type (and curve) each signature algorithm signs with (WebAuthn 5.8.5: ES256 keys are
 * P-256, ES384 P-384, ES512 P-521, EdDSA Ed25519; RS* and PS* are RSA). A key naming another never
 * verifies a signature (@simplewebauthn/server throws at every sign-in), so it is refused at import.
 */
const KEY_OF_ALG: Record<number, { kty: number; crv?: number }> = {
  [-7]: { kty: EC2, crv: 1 },
  [-35]: { kty: EC2, crv: 2 },
  [-36]: { kty: EC2, crv: 3 },
  [-8]: { kty: OKP, crv: 6 },
  ...Object.fromEntries([-37, -38, -39, -257, -258, -259, -65535].map((alg) => [alg, { kty: RSA }])),
};

const b64 = (bytes: unknown) =>
  bytes instanceof Uint8Array ? Buffer.from(bytes).toString('base64url') : undefined;

/** A COSE map as a JWK node:crypto can check, or the reason it is none. */
function jwkOf(map: Map<number, unknown>, isAlg: (alg: number) => boolean): JsonWebKey | string {
  const kty = map.get(KTY);
  const alg = map.get(ALG);
  if (typeof alg !== 'number' || !isAlg(alg)) return 'names no signature algorithm WebAuthn knows';
  const wanted = KEY_OF_ALG[alg];
  if (wanted && (wanted.kty !== kty || (wanted.crv !== undefined && wanted.crv !== map.get(CRV))))
    return `names algorithm ${alg}, which its key type or curve cannot sign with`;
  if (kty === EC2) {
    const crv = EC2_CURVES[map.get(CRV) as number];
    const [x, y] = [b64(map.get(X)), b64(map.get(Y))];
    if (!crv || !x || !y) return 'is an EC2 key without a known curve and both coordinates';
    return { kty: 'EC', crv, x, y };
  }
  if (kty === OKP) {
    const crv = OKP_CURVES[map.get(CRV) as number];
    const x = b64(map.get(X));
    if (!crv || !x) return 'is an OKP key without Ed25519 and its point';
    return { kty: 'OKP', crv, x };
  }
  if (kty === RSA) {
    const [n, e] = [b64(map.get(RSA_N)), b64(map.get(RSA_E))];
    if (!n || !e) return 'is an RSA key without its modulus and exponent';
    return { kty: 'RSA', n, e };
  }
  return 'has a key type WebAuthn does not use';
}

/**
 * Why `bytes` is not a COSE public key a security key could sign for (null when it is one): it
 * must decode (CBOR, through @simplewebauthn/server's helpers), name an algorithm WebAuthn knows,
 * and be a valid key (node:crypto checks an elliptic-curve point lies on its curve).
 */
export async function coseKeyProblem(bytes: Uint8Array): Promise<string | null> {
  // Loaded here, by factorkit/import only: the main entry never names the optional peer's subpath.
  const helpers: Helpers = await import('@simplewebauthn/server/helpers').catch((cause: unknown) => {
    throw new FactorkitError(
      'CONFIG',
      '[webauthn] importing security keys needs the optional peer dependency @simplewebauthn/server: npm install @simplewebauthn/server',
      { cause },
    );
  });
  let map: Map<number, unknown>;
  try {
    map = helpers.decodeCredentialPublicKey(bytes as Uint8Array<ArrayBuffer>) as Map<number, unknown>;
  } catch {
    return 'is not a CBOR-encoded COSE key';
  }
  if (!(map instanceof Map)) return 'is not a COSE key map';
  const jwk = jwkOf(map, (alg) => helpers.cose.isCOSEAlg(alg));
  if (typeof jwk === 'string') return jwk;
  try {
    createPublicKey({ key: jwk, format: 'jwk' });
    return null;
  } catch {
    return 'is not a valid public key';
  }
}
