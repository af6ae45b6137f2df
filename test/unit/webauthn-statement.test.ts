import { isoBase64URL, isoCBOR } from '@simplewebauthn/server/helpers';
import { describe, expect, it } from 'vitest';
import { statementAllowed } from '../../src/methods/webauthn/webauthn-statement.js';

/** An attestation object of format `fmt` with statement `statement` (the authenticator data is not read). */
const attestation = (fmt: string, statement: Map<string, unknown>) =>
  isoBase64URL.fromBuffer(
    isoCBOR.encode(
      new Map<string, unknown>([
        ['fmt', fmt],
        ['attStmt', statement],
        ['authData', new Uint8Array(37)],
      ]) as never,
    ),
  );
const certificates = new Map<string, unknown>([
  ['alg', -7],
  ['sig', new Uint8Array(8)],
  ['x5c', [new Uint8Array(16)]],
]);

describe('which attestation statements reach the verifier', () => {
  it("under 'none': only statements without certificates (none, packed self attestation)", async () => {
    expect(await statementAllowed(attestation('none', new Map()), 'none')).toBe(true);
    const self = new Map<string, unknown>([
      ['alg', -7],
      ['sig', new Uint8Array(8)],
    ]);
    expect(await statementAllowed(attestation('packed', self), 'none')).toBe(true);
    // Certificates name revocation-list URLs the verifier would fetch: refused before it runs.
    expect(await statementAllowed(attestation('packed', certificates), 'none')).toBe(false);
    for (const format of ['android-key', 'android-safetynet', 'tpm', 'fido-u2f', 'apple'])
      expect(await statementAllowed(attestation(format, certificates), 'none'), format).toBe(false);
    expect(await statementAllowed('not-cbor', 'none')).toBe(false);
  });

  it("under 'direct' or 'enterprise': every statement, for the verifier to check", async () => {
    expect(await statementAllowed(attestation('android-key', certificates), 'direct')).toBe(true);
    expect(await statementAllowed(attestation('packed', certificates), 'enterprise')).toBe(true);
  });
});
