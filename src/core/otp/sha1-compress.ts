/** SHA-1's round constants. */
const K1 = 0x5a827999;
const K2 = 0x6ed9eba1;
const K3 = 0x8f1bbcdc | 0;
const K4 = 0xca62c1d6 | 0;

/**
 * SHA-1's compression function (FIPS 180-4, 6.1.2) over one 16-word block, written out round by
 * round. The loop form (an 80-word schedule in a typed array, four loops of twenty rounds) cost about
 * 5,400 instructions a block under callgrind; this one, with the schedule's sixteen words and the
 * five working words in locals that V8 keeps in registers, about 1,500. A TOTP window of three steps
 * is eight blocks per verify (two for the key, two per step). Each round is one line:
 * `t = rotl5(a) + f(b, c, d) + e + K + w`, then `e = d; d = c; c = rotl30(b); b = a; a = t`; from
 * round 16 the schedule's word is `rotl1(w[i-3] ^ w[i-8] ^ w[i-14] ^ w[i-16])` in its slot (i mod 16).
 * Checked against node:crypto's HMAC-SHA1 in test/unit/hmac-sha1.test.ts.
 */
// biome-ignore format: one line per round (and per schedule word) reads as the standard's table
export function compressSha1(state: Int32Array, block: Int32Array): void {
  let a = state[0]!, b = state[1]!, c = state[2]!, d = state[3]!, e = state[4]!, t = 0, x = 0;
  let w0 = block[0]!, w1 = block[1]!, w2 = block[2]!, w3 = block[3]!, w4 = block[4]!, w5 = block[5]!, w6 = block[6]!, w7 = block[7]!;
  let w8 = block[8]!, w9 = block[9]!, w10 = block[10]!, w11 = block[11]!, w12 = block[12]!, w13 = block[13]!, w14 = block[14]!, w15 = block[15]!;
  // Rounds 0-19: Ch.
  t = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + K1 + w0) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  t = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + K1 + w1) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  t = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + K1 + w2) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  t = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + K1 + w3) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  t = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + K1 + w4) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  t = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + K1 + w5) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  t = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + K1 + w6) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  t = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + K1 + w7) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  t = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + K1 + w8) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  t = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + K1 + w9) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  t = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + K1 + w10) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  t = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + K1 + w11) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  t = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + K1 + w12) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  t = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + K1 + w13) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  t = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + K1 + w14) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  t = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + K1 + w15) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w13 ^ w8 ^ w2 ^ w0; w0 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + K1 + w0) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w14 ^ w9 ^ w3 ^ w1; w1 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + K1 + w1) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w15 ^ w10 ^ w4 ^ w2; w2 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + K1 + w2) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w0 ^ w11 ^ w5 ^ w3; w3 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + K1 + w3) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  // Rounds 20-39: Parity.
  x = w1 ^ w12 ^ w6 ^ w4; w4 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + K2 + w4) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w2 ^ w13 ^ w7 ^ w5; w5 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + K2 + w5) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w3 ^ w14 ^ w8 ^ w6; w6 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + K2 + w6) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w4 ^ w15 ^ w9 ^ w7; w7 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + K2 + w7) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w5 ^ w0 ^ w10 ^ w8; w8 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + K2 + w8) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w6 ^ w1 ^ w11 ^ w9; w9 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + K2 + w9) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w7 ^ w2 ^ w12 ^ w10; w10 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + K2 + w10) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w8 ^ w3 ^ w13 ^ w11; w11 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + K2 + w11) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w9 ^ w4 ^ w14 ^ w12; w12 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + K2 + w12) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w10 ^ w5 ^ w15 ^ w13; w13 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + K2 + w13) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w11 ^ w6 ^ w0 ^ w14; w14 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + K2 + w14) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w12 ^ w7 ^ w1 ^ w15; w15 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + K2 + w15) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w13 ^ w8 ^ w2 ^ w0; w0 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + K2 + w0) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w14 ^ w9 ^ w3 ^ w1; w1 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + K2 + w1) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w15 ^ w10 ^ w4 ^ w2; w2 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + K2 + w2) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w0 ^ w11 ^ w5 ^ w3; w3 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + K2 + w3) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w1 ^ w12 ^ w6 ^ w4; w4 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + K2 + w4) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w2 ^ w13 ^ w7 ^ w5; w5 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + K2 + w5) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w3 ^ w14 ^ w8 ^ w6; w6 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + K2 + w6) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w4 ^ w15 ^ w9 ^ w7; w7 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + K2 + w7) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  // Rounds 40-59: Maj.
  x = w5 ^ w0 ^ w10 ^ w8; w8 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + K3 + w8) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w6 ^ w1 ^ w11 ^ w9; w9 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + K3 + w9) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w7 ^ w2 ^ w12 ^ w10; w10 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + K3 + w10) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w8 ^ w3 ^ w13 ^ w11; w11 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + K3 + w11) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w9 ^ w4 ^ w14 ^ w12; w12 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + K3 + w12) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w10 ^ w5 ^ w15 ^ w13; w13 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + K3 + w13) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w11 ^ w6 ^ w0 ^ w14; w14 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + K3 + w14) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w12 ^ w7 ^ w1 ^ w15; w15 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + K3 + w15) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w13 ^ w8 ^ w2 ^ w0; w0 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + K3 + w0) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w14 ^ w9 ^ w3 ^ w1; w1 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + K3 + w1) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w15 ^ w10 ^ w4 ^ w2; w2 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + K3 + w2) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w0 ^ w11 ^ w5 ^ w3; w3 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + K3 + w3) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w1 ^ w12 ^ w6 ^ w4; w4 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + K3 + w4) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w2 ^ w13 ^ w7 ^ w5; w5 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + K3 + w5) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w3 ^ w14 ^ w8 ^ w6; w6 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + K3 + w6) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w4 ^ w15 ^ w9 ^ w7; w7 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + K3 + w7) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w5 ^ w0 ^ w10 ^ w8; w8 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + K3 + w8) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w6 ^ w1 ^ w11 ^ w9; w9 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + K3 + w9) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w7 ^ w2 ^ w12 ^ w10; w10 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + K3 + w10) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w8 ^ w3 ^ w13 ^ w11; w11 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + K3 + w11) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  // Rounds 60-79: Parity.
  x = w9 ^ w4 ^ w14 ^ w12; w12 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + K4 + w12) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w10 ^ w5 ^ w15 ^ w13; w13 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + K4 + w13) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w11 ^ w6 ^ w0 ^ w14; w14 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + K4 + w14) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w12 ^ w7 ^ w1 ^ w15; w15 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + K4 + w15) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w13 ^ w8 ^ w2 ^ w0; w0 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + K4 + w0) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w14 ^ w9 ^ w3 ^ w1; w1 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + K4 + w1) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w15 ^ w10 ^ w4 ^ w2; w2 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + K4 + w2) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w0 ^ w11 ^ w5 ^ w3; w3 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + K4 + w3) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w1 ^ w12 ^ w6 ^ w4; w4 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + K4 + w4) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w2 ^ w13 ^ w7 ^ w5; w5 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + K4 + w5) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w3 ^ w14 ^ w8 ^ w6; w6 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + K4 + w6) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w4 ^ w15 ^ w9 ^ w7; w7 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + K4 + w7) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w5 ^ w0 ^ w10 ^ w8; w8 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + K4 + w8) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w6 ^ w1 ^ w11 ^ w9; w9 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + K4 + w9) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w7 ^ w2 ^ w12 ^ w10; w10 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + K4 + w10) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w8 ^ w3 ^ w13 ^ w11; w11 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + K4 + w11) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w9 ^ w4 ^ w14 ^ w12; w12 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + K4 + w12) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w10 ^ w5 ^ w15 ^ w13; w13 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + K4 + w13) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w11 ^ w6 ^ w0 ^ w14; w14 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + K4 + w14) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  x = w12 ^ w7 ^ w1 ^ w15; w15 = (x << 1) | (x >>> 31);
  t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + K4 + w15) | 0; e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = t;
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
  state[4] = (state[4]! + e) | 0;
}
