import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';

/** The bytes a software authenticator writes, shared by the soft authenticator and the attack suite's. */

export const b64url = (bytes: Uint8Array | Buffer): string => Buffer.from(bytes).toString('base64url');
export const sha256 = (data: Uint8Array | string): Buffer => createHash('sha256').update(data).digest();

/** Authenticator-data flag: attested credential data follows. */
const AT = 0x40;

export function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

/** A 32-bit big-endian counter; a larger one wraps, as an authenticator's would. */
export function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

/** A new ES256 key pair and its public key as COSE. */
export function es256KeyPair(): { privateKey: KeyObject; publicCose: Uint8Array } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const cose = new Map<number, number | Uint8Array>([
    [1, 2],
    [3, -7],
    [-1, 1],
    [-2, Buffer.from(jwk.x as string, 'base64url')],
    [-3, Buffer.from(jwk.y as string, 'base64url')],
  ]);
  return { privateKey, publicCose: isoCBOR.encode(cose as never) };
}

/**
 * A `none` attestation object for a new credential: authenticator data over `rpId` with `flags`
 * (the attested-data flag added), the counter, a zero AAGUID, the credential id and its public key.
 */
export function noneAttestation(credential: {
  rpId: string;
  flags: number;
  counter: number;
  credentialId: Buffer;
  publicCose: Uint8Array;
}): Uint8Array {
  const { rpId, flags, counter, credentialId, publicCose } = credential;
  const credentialData = Buffer.concat([
    Buffer.alloc(16),
    u16(credentialId.length),
    credentialId,
    publicCose,
  ]);
  const authData = Buffer.concat([sha256(rpId), Buffer.from([flags | AT]), u32(counter), credentialData]);
  return isoCBOR.encode(
    new Map<string, unknown>([
      ['fmt', 'none'],
      ['attStmt', new Map()],
      ['authData', new Uint8Array(authData)],
    ]) as never,
  );
}
