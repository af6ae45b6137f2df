import { createHmac } from 'node:crypto';
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { verifyTOTPWithGracePeriod } from '@oslojs/otp';
import * as OTPAuth from 'otpauth';
import { verifySync } from 'otplib';
import { fromBase32 } from '../src/core/otp/base32.js';
import { TotpVerifier } from '../src/entries/index.js';
import { opsPerSecond, table } from './harness.js';

const POOL = 1024;
const totp = new TotpVerifier();

/** Truncates an HMAC-SHA1 digest to six digits (RFC 4226). */
function truncate(d: Uint8Array): number {
  const o = d[19]! & 15;
  return (((d[o]! & 0x7f) << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!) % 1_000_000;
}

function counterBytes(step: number): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setUint32(4, step);
  return bytes;
}

/** The TOTP comparison: verifyCode against otplib, otpauth, @oslojs/otp and bare HMAC loops, same inputs. */
export function benchTotp(): void {
  const secrets = Array.from({ length: POOL }, () => totp.generateSecret());
  const keys = secrets.map((s) => fromBase32(s)!);
  const otpauthSecrets = secrets.map((s) => OTPAuth.Secret.fromBase32(s));
  // @oslojs/otp reads the clock itself: each case takes "now" and its codes when it starts (a case
  // lasts about 15 s, well inside the ±30 s window).
  let at = Date.now();
  let steps: Uint8Array[] = [];
  let valid: string[] = [];
  let invalid: string[] = [];
  const startCase = () => {
    at = Date.now();
    const step = totp.stepAt(at);
    steps = [step - 1, step, step + 1].map(counterBytes);
    valid = secrets.map((s) => totp.generateCode(s, at));
    invalid = secrets.map((s) => {
      for (let c = 0; ; c++) {
        const code = String(c).padStart(6, '0');
        if (!totp.verifyCode(s, code, at).ok) return code;
      }
    });
  };

  const candidates: Record<string, (secret: string, code: string, i: number, fresh: boolean) => boolean> = {
    factorkit: (secret, code) => totp.verifyCode(secret, code, at).ok,
    otplib: (secret, code) =>
      verifySync({ secret, token: code, epoch: Math.floor(at / 1000), epochTolerance: 30 }).valid,
    otpauth: (secret, code, i, fresh) =>
      OTPAuth.TOTP.validate({
        token: code,
        secret: fresh ? OTPAuth.Secret.fromBase32(secret) : otpauthSecrets[i]!,
        timestamp: at,
        window: 1,
      }) !== null,
    '@oslojs/otp': (secret, code) => verifyTOTPWithGracePeriod(fromBase32(secret)!, 30, 6, code, 30),
    'node:crypto HMAC loop': (secret, code) => {
      const key = fromBase32(secret)!;
      const target = Number(code);
      let hit = false;
      for (const counter of steps)
        hit = truncate(createHmac('sha1', key).update(counter).digest()) === target || hit;
      return hit;
    },
    'bare noble HMAC loop (precomputed key bytes)': (_secret, code, i) => {
      const base = hmac.create(sha1, keys[i]!);
      const target = Number(code);
      let hit = false;
      for (const counter of steps) hit = truncate(base.clone().update(counter).digest()) === target || hit;
      return hit;
    },
  };

  const cases = [
    { name: 'invalid code, fresh secret', valid: false, fresh: true },
    { name: 'valid code, fresh secret', valid: true, fresh: true },
    { name: 'invalid code, same secret', valid: false, fresh: false },
    { name: 'valid code, same secret', valid: true, fresh: false },
  ];
  console.log('## TOTP verifyCode (window 1, SHA1, 6 digits): ops/s, and factorkit / peer ratio\n');
  const rows: Array<Array<string | number>> = [];
  for (const c of cases) {
    startCase();
    const codes = c.valid ? valid : invalid;
    const results: Record<string, number> = {};
    for (const [name, verify] of Object.entries(candidates)) {
      const run = (i: number) => {
        const k = c.fresh ? i % POOL : 0;
        return verify(secrets[k]!, codes[k]!, k, c.fresh);
      };
      // Sanity: every candidate agrees on the answer.
      if (run(0) !== c.valid) throw new Error(`${name} disagrees on ${c.name}`);
      results[name] = opsPerSecond(run);
    }
    const ours = results['factorkit']!;
    for (const [name, ops] of Object.entries(results))
      rows.push([c.name, name, ops, name === 'factorkit' ? '1.00' : (ours / ops).toFixed(2)]);
  }
  table(['case', 'implementation', 'ops/s', 'factorkit ÷ this'], rows);
}
