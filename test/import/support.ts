import * as OTPAuth from 'otpauth';
import type {
  WebauthnCreationOptions,
  WebauthnRequestOptions,
} from '../../src/methods/webauthn/webauthn-json.js';
import type { Store, StoreOp } from '../../src/store/store.js';
import type { Harness } from '../helpers/harness.js';
import { startChallenge } from '../helpers/harness.js';
import { SoftAuthenticator } from '../helpers/soft-authenticator.js';
import { b64url } from '../helpers/webauthn-bytes.js';

export const ORIGIN = 'https://cx.example.com';
export const RP_ID = 'example.com';

/** The code an app shows for a base32 key at the harness's clock, computed by otpauth (not factorkit). */
export function appCode(
  h: Pick<Harness, 'clock'>,
  secret: string,
  o: { algorithm?: string; digits?: number; period?: number; atMs?: number } = {},
): string {
  return new OTPAuth.TOTP({
    secret: OTPAuth.Secret.fromBase32(secret),
    algorithm: o.algorithm ?? 'SHA1',
    digits: o.digits ?? 6,
    period: o.period ?? 30,
  }).generate({ timestamp: o.atMs ?? h.clock.now() });
}

/** Signs `userId` in with a typed code; the verify result. */
export async function signInWith(h: Harness, userId: string, code: string) {
  const start = await startChallenge(h, userId);
  return h.tf.login.verify(start.challengeId, code);
}

/** A key another system registered: a soft authenticator holding it, and the record to import. */
export function foreignKey(userHandle: string) {
  const authenticator = new SoftAuthenticator();
  const options = {
    rp: { id: RP_ID, name: 'Old app' },
    user: { id: userHandle },
    challenge: b64url(Buffer.alloc(32)),
  };
  const created = authenticator.create(options as unknown as WebauthnCreationOptions, ORIGIN);
  const held = authenticator.held[0]!;
  return {
    authenticator,
    record: {
      id: created.id,
      publicKey: Buffer.from(held.publicCose).toString('base64'),
      counter: 0,
      transports: ['usb'],
      userHandle,
      label: 'Old YubiKey',
    },
  };
}

/** Signs `userId` in with a security key. */
export async function signInWithKey(h: Harness, userId: string, authenticator: SoftAuthenticator) {
  const start = await startChallenge(h, userId);
  const options = start.webauthnOptions as WebauthnRequestOptions;
  return h.tf.login.verifyWebauthn(start.challengeId, authenticator.get(options, ORIGIN));
}

/**
 * `store`, except that `change` runs just before each commit guarded by a user's record as read (a
 * re-run's update, after its read): something at that very moment, every time.
 */
export function beforeEachReRunCommit(
  store: Store,
  change: (store: Store, userKey: string, now: number) => Promise<unknown>,
): Store {
  return new Proxy(store, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property, object);
      if (property !== 'commit' || typeof value !== 'function') return value;
      return async (ops: StoreOp[], now: number) => {
        const first = ops[0];
        if (first?.type === 'merge' && first.match && 'imported' in first.fields)
          await change(object, first.key, now);
        return Reflect.apply(value, object, [ops, now]);
      };
    },
  });
}
