import { createSign, type KeyObject, randomBytes, sign } from 'node:crypto';
import type {
  WebauthnAssertionResponse,
  WebauthnCreationOptions,
  WebauthnRegistrationResponse,
} from '../../src/methods/webauthn/webauthn-json.js';
import { type Harness, startChallenge } from '../helpers/harness.js';
import { b64url, es256KeyPair, noneAttestation, sha256, u32 } from '../helpers/webauthn-bytes.js';
import type { TestClient } from '../http/support/client.js';

export { b64url };

export const ORIGIN = 'https://cx.example.com';
export const RP_ID = 'example.com';
export const SITE = { rpId: RP_ID, rpName: 'CloudFon CX', origin: ORIGIN, userName: 'ana@example.com' };

/** Flag bits of the authenticator data. */
export const UP = 0x01;
export const UV = 0x04;
export const BE = 0x08;
export const BS = 0x10;
export const AT = 0x40;

/** One credential the attacker's authenticator controls fully: id, key pair, counter, flags. */
export interface Cred {
  id: Buffer;
  privateKey: KeyObject;
  publicCose: Uint8Array;
  counter: number;
  userHandle?: string;
}

export function newCred(id: Buffer = randomBytes(32)): Cred {
  return { id, ...es256KeyPair(), counter: 0 };
}

export function clientData(fields: Record<string, unknown>): string {
  return b64url(Buffer.from(JSON.stringify(fields)));
}

/** A registration response for `cred`, with full control over flags, client data and origin. */
export function register(
  cred: Cred,
  options: WebauthnCreationOptions,
  opts: { origin?: string; flags?: number; rpId?: string; client?: Record<string, unknown> } = {},
): WebauthnRegistrationResponse {
  const rpId = opts.rpId ?? options.rp.id ?? RP_ID;
  cred.userHandle = options.user.id;
  const attestationObject = noneAttestation({
    rpId,
    flags: opts.flags ?? UP | UV,
    counter: cred.counter,
    credentialId: cred.id,
    publicCose: cred.publicCose,
  });
  return {
    id: b64url(cred.id),
    rawId: b64url(cred.id),
    type: 'public-key',
    response: {
      clientDataJSON: clientData({
        type: 'webauthn.create',
        challenge: options.challenge,
        origin: opts.origin ?? ORIGIN,
        crossOrigin: false,
        ...opts.client,
      }),
      attestationObject: b64url(attestationObject),
      transports: ['usb'],
    },
    clientExtensionResults: {},
    authenticatorAttachment: 'cross-platform',
  };
}

/** An assertion by `cred` over `challenge` with full control over flags, counter and client data. */
export function assert(
  cred: Cred,
  challenge: string,
  opts: {
    origin?: string;
    rpId?: string;
    flags?: number;
    counter?: number;
    client?: Record<string, unknown>;
    userHandle?: string;
    type?: string;
  } = {},
): WebauthnAssertionResponse {
  if (opts.counter === undefined) cred.counter += 1;
  else cred.counter = opts.counter;
  const authData = Buffer.concat([
    sha256(opts.rpId ?? RP_ID),
    Buffer.from([opts.flags ?? UP | UV]),
    u32(cred.counter),
  ]);
  const clientDataJSON = clientData({
    type: opts.type ?? 'webauthn.get',
    challenge,
    origin: opts.origin ?? ORIGIN,
    crossOrigin: false,
    ...opts.client,
  });
  const signed = Buffer.concat([authData, sha256(Buffer.from(clientDataJSON, 'base64url'))]);
  const signature =
    cred.privateKey.asymmetricKeyType === 'ed25519'
      ? sign(null, signed, cred.privateKey)
      : createSign('SHA256').update(signed).sign(cred.privateKey);
  const userHandle = opts.userHandle ?? cred.userHandle;
  return {
    id: b64url(cred.id),
    rawId: b64url(cred.id),
    type: 'public-key',
    response: {
      clientDataJSON,
      authenticatorData: b64url(authData),
      signature: b64url(signature),
      ...(userHandle ? { userHandle } : {}),
    },
    clientExtensionResults: {},
    authenticatorAttachment: 'cross-platform',
  };
}

/** Registers `cred` for `userId` through the facade (throws when refused). */
export async function enroll(
  h: Harness,
  userId: string,
  cred: Cred = newCred(),
  opts: Parameters<typeof register>[2] & { label?: string } = {},
) {
  const { options } = await h.tf.webauthn.beginRegistration(userId, {
    ...SITE,
    userName: `${userId}@example.com`,
  });
  const result = await h.tf.webauthn.finishRegistration(userId, register(cred, options, opts), {
    label: opts.label ?? 'key',
  });
  if (!result.ok) throw new Error(`registration refused: ${JSON.stringify(result)}`);
  return { cred, result, options };
}

/** A login (or step-up) challenge offering the key: its id and ceremony challenge. */
export async function keyChallenge(h: Harness, userId: string, stepUp = false) {
  const start = await startChallenge(h, userId, { stepUp });
  if (!start.webauthnOptions) throw new Error(`no webauthn in the challenge: ${start.methods.join(',')}`);
  return {
    challengeId: start.challengeId,
    challenge: start.webauthnOptions.challenge,
    options: start.webauthnOptions,
  };
}

/** Adds a key labelled YubiKey for the signed-in `client` through the HTTP endpoints. */
export async function registerOverHttp(client: TestClient, cred: Cred = newCred()) {
  const creation = (await client.call('POST', '/2fa/webauthn/register/options', {}))
    .json as unknown as WebauthnCreationOptions;
  const added = await client.call('POST', '/2fa/webauthn/register', {
    response: register(cred, creation),
    label: 'YubiKey',
  });
  const keyId = (added.json['key'] as { id: string } | undefined)?.id ?? '';
  return { cred, added, keyId, creation };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs `verify` while another holder of the user's session renames the key in a loop (rename needs
 * no fresh factor), and stops the renaming once it answers.
 */
export async function whileRenaming<T>(h: Harness, userId: string, keyId: string, verify: () => Promise<T>) {
  let stop = false;
  const renamer = (async () => {
    let n = 0;
    while (!stop) {
      await tick();
      await h.tf.webauthn.rename(userId, keyId, `label ${n++}`);
    }
  })();
  try {
    return await verify();
  } finally {
    stop = true;
    await renamer;
  }
}
