import { describe, expect, it } from 'vitest';
import type { TwoFactor } from '../../src/app/create-two-factor.js';
import { FactorkitError } from '../../src/core/errors.js';
import { Keyring } from '../../src/core/keyring.js';
import { importUser } from '../../src/import/import-user.js';
import type { ImportedUser } from '../../src/import/imported-user.js';
import { saltContext, sealContext } from '../../src/methods/backup-codes/backup-code-record.js';
import { MemoryStore } from '../../src/stores/memory/memory-store.js';
import { KEY, makeTwoFactor, testKey } from '../helpers/harness.js';
import { foreignKey, ORIGIN, RP_ID } from './support.js';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const key = foreignKey('aGFuZGxl').record;
const totp = { secret: SECRET };
const otherKeySealed = new Keyring(testKey('another app')).seal('k7pq-3mzx-9ahd-2wfr', sealContext('u'));
const otherUserSealed = new Keyring(KEY).seal('k7pq-3mzx-9ahd-2wfr', sealContext('someone else'));
const hashed = [`hmac-sha256:${'a'.repeat(43)}`];
const otherKeySalt = new Keyring(testKey('another app')).seal('a'.repeat(43), saltContext('u'));
const otherUserSalt = new Keyring(KEY).seal('a'.repeat(43), saltContext('someone else'));

/** Each field's bad values, and the field the error must name. */
const cases: Array<[string, unknown, string]> = [
  ['no user id', { totp }, 'userId'],
  ['an empty user id', { userId: '', totp }, 'userId'],
  ['a lone surrogate in the user id', { userId: 'a\uD800', totp }, 'userId'],
  ['an unknown field', { userId: 'u', totp, sms: '+442079460958' }, 'user'],
  ['a national phone number', { userId: 'u', phone: '020 7946 0958' }, 'phone'],
  ['a phone number too short', { userId: 'u', phone: { number: '+1555' } }, 'phone.number'],
  ['no factor', { userId: 'u', backupCodes: ['AbCd1-EfGh2'] }, 'user'],
  ['a secret that is not base32', { userId: 'u', totp: { secret: 'not base32!' } }, 'totp.secret'],
  ['a secret of 64 bits', { userId: 'u', totp: { secret: 'JBSWY3DPEHPK3' } }, 'totp.secret'],
  [
    'a secret of 2048 bits',
    { userId: 'u', totp: { secret: 'AB'.repeat(256), encoding: 'hex' } },
    'totp.secret',
  ],
  ['odd hex', { userId: 'u', totp: { secret: 'abc', encoding: 'hex' } }, 'totp.secret'],
  ['an unknown encoding', { userId: 'u', totp: { secret: SECRET, encoding: 'base64' } }, 'totp.encoding'],
  ['an unknown algorithm', { userId: 'u', totp: { secret: SECRET, algorithm: 'MD5' } }, 'totp.algorithm'],
  ['5 digits', { userId: 'u', totp: { secret: SECRET, digits: 5 } }, 'totp.digits'],
  ['a period of 0', { userId: 'u', totp: { secret: SECRET, periodSeconds: 0 } }, 'totp.periodSeconds'],
  ['a negative epoch', { userId: 'u', totp: { secret: SECRET, epochSeconds: -1 } }, 'totp.epochSeconds'],
  [
    'a fractional last step',
    { userId: 'u', totp: { secret: SECRET, lastUsedStep: 1.5 } },
    'totp.lastUsedStep',
  ],
  ['an unknown TOTP field', { userId: 'u', totp: { secret: SECRET, issuer: 'x' } }, 'totp'],
  ['a bad address', { userId: 'u', email: 'not-an-address' }, 'email'],
  ['a code too short', { userId: 'u', totp, backupCodes: ['ab1'] }, 'backupCodes.0'],
  ['a code with symbols', { userId: 'u', totp, backupCodes: ['ok-code-1', 'bad_code!'] }, 'backupCodes.1'],
  ['a code shaped like an app code', { userId: 'u', totp, backupCodes: ['123456'] }, 'backupCodes.0'],
  ['a code twice', { userId: 'u', totp, backupCodes: ['AbCd1EfGh2', 'AbCd1EfGh2'] }, 'backupCodes'],
  [
    '21 codes',
    { userId: 'u', totp, backupCodes: Array.from({ length: 21 }, (_, i) => `code${i}xyz`) },
    'backupCodes',
  ],
  [
    'a hash that is not bcrypt',
    { userId: 'u', totp, backupCodes: { bcrypt: ['$1$abc$def'] } },
    'backupCodes.bcrypt.0',
  ],
  [
    'bcrypt of cost 15',
    { userId: 'u', totp, backupCodes: { bcrypt: [`$2b$15$${'a'.repeat(53)}`] } },
    'backupCodes.bcrypt.0',
  ],
  [
    'sealed codes that are not sealed values',
    { userId: 'u', totp, backupCodes: { sealed: ['v1.abc'] } },
    'backupCodes.sealed.0',
  ],
  [
    // Sealed with another key, and with this key for another user: neither opens for u here.
    'sealed codes that do not open for this user with these keys',
    { userId: 'u', totp, backupCodes: { sealed: [otherKeySealed] } },
    'backupCodes.sealed.0',
  ],
  [
    'sealed codes of another user',
    { userId: 'u', totp, backupCodes: { sealed: [otherUserSealed] } },
    'backupCodes.sealed.0',
  ],
  [
    'hashed codes that are not hashes',
    { userId: 'u', totp, backupCodes: { salted: ['sha256:abc'], salt: otherKeySalt } },
    'backupCodes.salted.0',
  ],
  [
    "a set's key that is not a sealed value",
    { userId: 'u', totp, backupCodes: { salted: hashed, salt: 'v1.abc' } },
    'backupCodes.salt',
  ],
  [
    "a set's key sealed with another key",
    { userId: 'u', totp, backupCodes: { salted: hashed, salt: otherKeySalt } },
    'backupCodes.salt',
  ],
  [
    "a set's key of another user",
    { userId: 'u', totp, backupCodes: { salted: hashed, salt: otherUserSalt } },
    'backupCodes.salt',
  ],
  [
    'keyed hashes of a key not held',
    { userId: 'u', totp, backupCodes: { keyed: ['a'.repeat(43)], keyId: 'other' } },
    'backupCodes.keyId',
  ],
  [
    'a credential id that is not base64url',
    { userId: 'u', securityKeys: [{ ...key, id: 'a+b/' }] },
    'securityKeys.0.id',
  ],
  [
    'a public key that is not CBOR',
    { userId: 'u', securityKeys: [{ ...key, publicKey: 'AAAA' }] },
    'securityKeys.0.publicKey',
  ],
  [
    'a COSE key off its curve',
    { userId: 'u', securityKeys: [{ ...key, publicKey: offCurve(key.publicKey) }] },
    'securityKeys.0.publicKey',
  ],
  ['a negative counter', { userId: 'u', securityKeys: [{ ...key, counter: -1 }] }, 'securityKeys.0.counter'],
  [
    'an unknown transport shape',
    { userId: 'u', securityKeys: [{ ...key, transports: ['USB!'] }] },
    'securityKeys.0.transports.0',
  ],
  ['a bad AAGUID', { userId: 'u', securityKeys: [{ ...key, aaguid: 'nope' }] }, 'securityKeys.0.aaguid'],
  ['a label with a NUL', { userId: 'u', securityKeys: [{ ...key, label: 'a\0b' }] }, 'securityKeys.0.label'],
  ['a bad origin', { userId: 'u', securityKeys: [{ ...key, origin: 'ftp://x' }] }, 'securityKeys.0.origin'],
  [
    'an origin off the relying party',
    { userId: 'u', securityKeys: [{ ...key, origin: 'https://evil.test' }] },
    'securityKeys.0.origin',
  ],
  ['a key twice', { userId: 'u', securityKeys: [key, key] }, 'securityKeys'],
  [
    'eleven keys',
    { userId: 'u', securityKeys: Array.from({ length: 11 }, (_, i) => ({ ...key, id: `k${i}aa` })) },
    'securityKeys',
  ],
  ['no keys', { userId: 'u', securityKeys: [] }, 'securityKeys'],
];

/** The same EC2 key with its y coordinate changed: CBOR that decodes, a point that is not on P-256. */
function offCurve(publicKey: string): string {
  const bytes = Buffer.from(publicKey, 'base64');
  bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0x01, bytes.length - 1);
  return bytes.toString('base64');
}

describe('importUser refuses bad input, naming the field and never repeating a secret', () => {
  const h = makeTwoFactor(new MemoryStore(), { webauthn: { rpId: RP_ID, rpName: 'CX', origin: ORIGIN } });
  for (const [name, input, field] of cases) {
    it(name, async () => {
      const error = await importUser(h.tf, input as ImportedUser).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FactorkitError);
      expect(error).toMatchObject({ code: 'INVALID_INPUT', field });
      expect((error as Error).message).not.toContain(SECRET.slice(0, 12));
      expect((await h.tf.status('u')).enabled).toBe(false);
    });
  }

  it("a security key needs a relying party: given, or the facade's", async () => {
    const bare = makeTwoFactor(new MemoryStore());
    const error = await importUser(bare.tf, { userId: 'u', securityKeys: [key] }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INVALID_INPUT', field: 'securityKeys.0.rpId' });
    expect(
      await importUser(bare.tf, { userId: 'u', securityKeys: [{ ...key, rpId: RP_ID, origin: ORIGIN }] }),
    ).toMatchObject({
      outcome: 'imported',
    });
  });

  it('anything but a facade is a CONFIG error', async () => {
    await expect(importUser({} as TwoFactor, { userId: 'u', totp })).rejects.toMatchObject({
      code: 'CONFIG',
    });
  });
});
