import { isoBase64URL, isoCBOR } from '@simplewebauthn/server/helpers';
import { describe, expect, it } from 'vitest';
import { simpleWebauthn } from '../../src/methods/webauthn/simple-webauthn.js';
import type { AttestationConveyance } from '../../src/methods/webauthn/webauthn-json.js';
import { statementAllowed } from '../../src/methods/webauthn/webauthn-statement.js';

/** The facade's settings under `attestation`. */
const under = (attestation: AttestationConveyance) => ({
  attestation,
  userVerification: 'preferred' as const,
  residentKey: 'discouraged' as const,
  library: simpleWebauthn,
});

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
    expect(statementAllowed(attestation('none', new Map()), under('none'))).toBe(true);
    const self = new Map<string, unknown>([
      ['alg', -7],
      ['sig', new Uint8Array(8)],
    ]);
    expect(statementAllowed(attestation('packed', self), under('none'))).toBe(true);
    // Certificates name revocation-list URLs the verifier would fetch: refused before it runs.
    expect(statementAllowed(attestation('packed', certificates), under('none'))).toBe(false);
    for (const format of ['android-key', 'android-safetynet', 'tpm', 'fido-u2f', 'apple'])
      expect(statementAllowed(attestation(format, certificates), under('none')), format).toBe(false);
    expect(statementAllowed('not-cbor', under('none'))).toBe(false);
  });

  it("under 'direct' or 'enterprise': every statement, for the verifier to check", async () => {
    expect(statementAllowed(attestation('android-key', certificates), under('direct'))).toBe(true);
    expect(statementAllowed(attestation('packed', certificates), under('enterprise'))).toBe(true);
  });
});
