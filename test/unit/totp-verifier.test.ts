import { describe, expect, it } from 'vitest';
import { FactorkitError } from '../../src/core/errors.js';
import { toBase32 } from '../../src/core/otp/base32.js';
import { checkTotpCode, TotpVerifier } from '../../src/core/otp/totp-verifier.js';

const ascii = (text: string) => toBase32(new TextEncoder().encode(text));
// RFC 6238 Appendix B: a different seed length per hash.
const SEED_SHA1 = ascii('12345678901234567890');
const SEED_SHA256 = ascii('12345678901234567890123456789012');
const SEED_SHA512 = ascii('1234567890123456789012345678901234567890123456789012345678901234');

describe('RFC 4226 Appendix D (HOTP)', () => {
  const expected = [
    '755224',
    '287082',
    '359152',
    '969429',
    '338314',
    '254676',
    '287922',
    '162583',
    '399871',
    '520489',
  ];
  it.each(expected.map((code, counter) => [counter, code]))('counter %i gives %s', (counter, code) => {
    expect(new TotpVerifier().generateHotp(SEED_SHA1, counter)).toBe(code);
  });
});

describe('RFC 6238 Appendix B (TOTP, 8 digits)', () => {
  const table: Array<[number, string, string, string]> = [
    [59, '94287082', '46119246', '90693936'],
    [1111111109, '07081804', '68084774', '25091201'],
    [1111111111, '14050471', '67062674', '99943326'],
    [1234567890, '89005924', '91819424', '93441116'],
    [2000000000, '69279037', '90698825', '38618901'],
    [20000000000, '65353130', '77737706', '47863826'],
  ];
  it.each(table)('T=%i', (seconds, sha1, sha256, sha512) => {
    const at = seconds * 1000;
    expect(new TotpVerifier({ digits: 8 }).generateCode(SEED_SHA1, at)).toBe(sha1);
    expect(new TotpVerifier({ digits: 8, algorithm: 'SHA256' }).generateCode(SEED_SHA256, at)).toBe(sha256);
    expect(new TotpVerifier({ digits: 8, algorithm: 'SHA512' }).generateCode(SEED_SHA512, at)).toBe(sha512);
    const step = Math.floor(seconds / 30);
    expect(new TotpVerifier({ digits: 8, algorithm: 'SHA512' }).verifyCode(SEED_SHA512, sha512, at)).toEqual({
      ok: true,
      step,
    });
  });
});

describe('verifyCode', () => {
  const totp = new TotpVerifier();
  const secret = totp.generateSecret();
  const at = 1_700_000_000_000;

  it('accepts the window and reports the matched step', () => {
    const step = totp.stepAt(at);
    expect(totp.verifyCode(secret, totp.generateCode(secret, at - 30_000), at)).toEqual({
      ok: true,
      step: step - 1,
    });
    expect(totp.verifyCode(secret, totp.generateCode(secret, at + 30_000), at)).toEqual({
      ok: true,
      step: step + 1,
    });
    expect(totp.verifyCode(secret, totp.generateCode(secret, at - 60_000), at)).toEqual({ ok: false });
    expect(totp.verifyCode(secret, totp.generateCode(secret, at + 60_000), at)).toEqual({ ok: false });
  });

  it('takes an asymmetric window', () => {
    const past2 = new TotpVerifier({ windowSteps: { past: 2, future: 0 } });
    expect(past2.verifyCode(secret, past2.generateCode(secret, at - 60_000), at).ok).toBe(true);
    expect(past2.verifyCode(secret, past2.generateCode(secret, at + 30_000), at).ok).toBe(false);
  });

  it('never matches steps at or below afterStep', () => {
    const code = totp.generateCode(secret, at);
    const step = totp.stepAt(at);
    expect(totp.verifyCode(secret, code, at, { afterStep: step })).toEqual({ ok: false });
    expect(totp.verifyCode(secret, code, at, { afterStep: step - 1 })).toEqual({ ok: true, step });
  });

  it('tells a code used before from a wrong one in the same pass', () => {
    const step = totp.stepAt(at);
    const previous = totp.generateCode(secret, at - 30_000);
    expect(checkTotpCode(totp, secret, previous, at, step - 1)).toEqual({ ok: false, replayed: true });
    expect(checkTotpCode(totp, secret, previous, at, step - 2)).toEqual({ ok: true, step: step - 1 });
    expect(checkTotpCode(totp, secret, totp.generateCode(secret, at + 30_000), at, step)).toEqual({
      ok: true,
      step: step + 1,
    });
    const wrong = String((Number(totp.generateCode(secret, at)) + 1) % 1_000_000).padStart(6, '0');
    const outside = totp.generateCode(secret, at - 90_000);
    for (const code of [wrong, outside, '12345'])
      expect(checkTotpCode(totp, secret, code, at, step)).toEqual({ ok: false, replayed: false });
  });

  it('ignores spaces and refuses anything that is not exactly six ASCII digits', () => {
    const code = totp.generateCode(secret, at);
    expect(totp.verifyCode(secret, `${code.slice(0, 3)} ${code.slice(3)}`, at).ok).toBe(true);
    for (const bad of [
      '',
      '12345',
      '1234567',
      'abcdef',
      '١٢٣٤٥٦',
      '12345\u0000',
      `${code}\n`,
      '９９９９９９',
      '1'.repeat(1_000_000),
    ]) {
      expect(totp.verifyCode(secret, bad, at)).toEqual({ ok: false });
    }
    expect(totp.verifyCode(secret, null as unknown as string, at)).toEqual({ ok: false });
    expect(totp.verifyCode(secret, { code } as unknown as string, at)).toEqual({ ok: false });
  });
});

describe('secrets', () => {
  const totp = new TotpVerifier();
  it('generates 160-bit base32 without padding', () => {
    const secret = totp.generateSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(totp.generateSecret()).not.toBe(secret);
  });

  it('takes its randomness from the injected source', () => {
    const zeros = new TotpVerifier({ random: (size) => new Uint8Array(size) });
    expect(zeros.generateSecret()).toBe('A'.repeat(32));
  });

  it('accepts lower case, spaces and padding', () => {
    const secret = totp.generateSecret();
    const typed = `${secret.toLowerCase().replace(/(.{4})/g, '$1 ')}====`;
    expect(totp.generateCode(typed, 0)).toBe(totp.generateCode(secret, 0));
  });

  it('rejects non-base32 and short secrets with a typed error', () => {
    for (const bad of ['not base32!', 'ABCDEFGH1', 'JBSWY3DPEHPK3PXP', '']) {
      expect(() => totp.generateCode(bad, 0)).toThrow(FactorkitError);
    }
    try {
      totp.generateCode('JBSWY3DPEHPK3PXP', 0);
    } catch (error) {
      expect((error as FactorkitError).code).toBe('INVALID_INPUT');
      expect((error as Error).message).toMatch(/128 bits/);
    }
  });

  it('refuses a time or counter that is not a number with INVALID_INPUT', () => {
    const secret = totp.generateSecret();
    for (const at of [Number.NaN, -1, Number.POSITIVE_INFINITY, '0' as unknown as number]) {
      expect(() => totp.generateCode(secret, at)).toThrow(/atMs/);
      expect(() => totp.verifyCode(secret, '123456', at)).toThrow(/atMs/);
    }
    expect(() => totp.generateHotp(secret, -1)).toThrow(/counter/);
    expect(() => totp.generateHotp(secret, 1.5)).toThrow(/counter/);
  });

  it('refuses bad options with CONFIG naming the option', () => {
    expect(() => new TotpVerifier({ digits: 5 as 6 })).toThrow(/totp\.digits/);
    expect(() => new TotpVerifier({ periodSeconds: 0 })).toThrow(/totp\.periodSeconds/);
  });
});

describe('keyUri', () => {
  const totp = new TotpVerifier();
  it('follows the Key Uri Format and reads back through URL', () => {
    const secret = totp.generateSecret();
    const uri = totp.keyUri({
      secret,
      issuer: 'CloudFon CX: Ünïcode & Co',
      accountName: 'ana maría@example.com',
    });
    const url = new URL(uri);
    expect(url.protocol).toBe('otpauth:');
    expect(url.host).toBe('totp');
    // The label's literal colon separates issuer and account; colons inside them are encoded.
    const [issuer, account] = url.pathname
      .slice(1)
      .split(/:(.*)/s)
      .map((part) => decodeURIComponent(part ?? ''));
    expect(issuer).toBe('CloudFon CX: Ünïcode & Co');
    expect(url.searchParams.get('secret')).toBe(secret);
    expect(url.searchParams.get('issuer')).toBe('CloudFon CX: Ünïcode & Co');
    expect(account).toBe('ana maría@example.com');
    expect(url.searchParams.has('algorithm')).toBe(false);
    expect(
      new TotpVerifier({ digits: 8, periodSeconds: 60, algorithm: 'SHA256' }).keyUri({
        secret,
        issuer: 'X',
        accountName: 'y',
      }),
    ).toBe(`otpauth://totp/X:y?secret=${secret}&issuer=X&algorithm=SHA256&digits=8&period=60`);
  });
});
