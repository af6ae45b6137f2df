/**
 * HMAC-SHA1 specialised for one-time codes: a key's inner and outer states are computed once, then
 * each 8-byte counter costs exactly two SHA-1 compressions on preallocated words, with no
 * allocation and no generic padding logic. Cross-checked against @noble/hashes and node:crypto
 * in test/unit/hmac-sha1.test.ts. For keys longer than a block, the key is first hashed (RFC 2104).
 */
import { sha1 } from '@noble/hashes/legacy.js';

const IV = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];

/** One SHA-1 compression of `block` into `state` (both big-endian words), using `w` as scratch. */
function compress(state: Int32Array, block: Int32Array, w: Int32Array): void {
  for (let i = 0; i < 16; i++) w[i] = block[i]!;
  for (let i = 16; i < 80; i++) {
    const x = w[i - 3]! ^ w[i - 8]! ^ w[i - 14]! ^ w[i - 16]!;
    w[i] = (x << 1) | (x >>> 31);
  }
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  let e = state[4]!;
  let t: number;
  // Four rounds of twenty steps, unrolled by function so the hot loop has no branches.
  for (let i = 0; i < 20; i++) {
    t = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + 0x5a827999 + w[i]!) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = t;
  }
  for (let i = 20; i < 40; i++) {
    t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0x6ed9eba1 + w[i]!) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = t;
  }
  for (let i = 40; i < 60; i++) {
    t = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + 0x8f1bbcdc + w[i]!) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = t;
  }
  for (let i = 60; i < 80; i++) {
    t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0xca62c1d6 + w[i]!) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = t;
  }
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
  state[4] = (state[4]! + e) | 0;
}

/** The key states of HMAC-SHA1 under one key, and a code function over 8-byte counters. */
// Scratch words shared by every instance: each call runs to completion on one thread, never interleaved.
const state = new Int32Array(5);
const block = new Int32Array(16);
const w = new Int32Array(80);

/** `target` = the SHA-1 state after one block of `key` (zero-filled to 64 bytes) XOR `pad`. */
function padState(target: Int32Array, key: Uint8Array, pad: number): void {
  const length = key.length;
  for (let i = 0; i < 16; i++) {
    let word = 0;
    for (let j = i * 4; j < i * 4 + 4; j++) word = (word << 8) | ((j < length ? key[j]! : 0) ^ pad);
    block[i] = word;
  }
  target.set(IV);
  compress(target, block, w);
}

export class HmacSha1Counter {
  private readonly inner = new Int32Array(5);
  private readonly outer = new Int32Array(5);

  constructor(key: Uint8Array) {
    const k = key.length > 64 ? sha1(key) : key;
    padState(this.inner, k, 0x36);
    padState(this.outer, k, 0x5c);
  }

  /** HMAC-SHA1(key, counter as 8 bytes big-endian), dynamically truncated to 31 bits (RFC 4226 5.3). */
  truncatedAt(counter: number): number {
    // Inner hash: the 64-byte ipad block is already in `inner`; this block is counter + padding (576 bits).
    block.fill(0);
    block[0] = Math.floor(counter / 0x1_0000_0000);
    block[1] = counter >>> 0;
    block[2] = 0x80000000 | 0;
    block[15] = 576;
    state.set(this.inner);
    compress(state, block, w);
    // Outer hash: the inner digest (20 bytes) + padding (672 bits) after the opad block.
    block.fill(0);
    block.set(state);
    block[5] = 0x80000000 | 0;
    block[15] = 672;
    state.set(this.outer);
    compress(state, block, w);
    const offset = state[4]! & 0x0f;
    const word = offset >>> 2;
    const shift = (offset & 3) * 8;
    const high = state[word]!;
    const low = word < 4 ? state[word + 1]! : 0;
    const value = shift === 0 ? high : (high << shift) | (low >>> (32 - shift));
    return value & 0x7fffffff;
  }
}
