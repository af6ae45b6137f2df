/**
 * HMAC-SHA1 specialised for one-time codes: a key's inner and outer states are computed once, then
 * each 8-byte counter costs exactly two SHA-1 compressions on preallocated words, with no
 * allocation and no generic padding logic. Cross-checked against @noble/hashes and node:crypto
 * in test/unit/hmac-sha1.test.ts. For keys longer than a block, the key is first hashed (RFC 2104).
 */
import { sha1 } from '@noble/hashes/legacy.js';
import { compressSha1 } from './sha1-compress.js';

const IV = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];

// Scratch words shared by every instance: each call runs to completion on one thread, never interleaved.
const state = new Int32Array(5);
const block = new Int32Array(16);
const keyWords = new Int32Array(16);
/** The inner hash's last block: the counter (words 0-1), then SHA-1's padding for 72 bytes (576 bits). */
const counterBlock = new Int32Array(16);
counterBlock[2] = 0x80000000 | 0;
counterBlock[15] = 576;
/** The outer hash's last block: the inner digest (words 0-4), then the padding for 84 bytes (672 bits). */
const digestBlock = new Int32Array(16);
digestBlock[5] = 0x80000000 | 0;
digestBlock[15] = 672;

/** `keyWords` = `key` zero-filled to 64 bytes, as big-endian words. */
function loadKey(key: Uint8Array): void {
  keyWords.fill(0);
  for (let j = 0; j < key.length; j++) keyWords[j >>> 2]! |= key[j]! << (24 - 8 * (j & 3));
}

/** `target` = the SHA-1 state after the block `keyWords` XOR `pad` (the pad byte in every byte of a word). */
function padState(target: Int32Array, padWord: number): void {
  for (let i = 0; i < 16; i++) block[i] = keyWords[i]! ^ padWord;
  target.set(IV);
  compressSha1(target, block);
}

/** The key states of HMAC-SHA1 under one key, and a code function over 8-byte counters. */
export class HmacSha1Counter {
  private readonly inner = new Int32Array(5);
  private readonly outer = new Int32Array(5);

  constructor(key: Uint8Array) {
    const k = key.length > 64 ? sha1(key) : key;
    loadKey(k);
    padState(this.inner, 0x36363636);
    padState(this.outer, 0x5c5c5c5c);
  }

  /** HMAC-SHA1(key, counter as 8 bytes big-endian), dynamically truncated to 31 bits (RFC 4226 5.3). */
  truncatedAt(counter: number): number {
    // Inner hash: the 64-byte ipad block is already in `inner`; this block is counter + padding.
    counterBlock[0] = Math.floor(counter / 0x1_0000_0000);
    counterBlock[1] = counter >>> 0;
    state.set(this.inner);
    compressSha1(state, counterBlock);
    // Outer hash: the inner digest (20 bytes) + padding after the opad block.
    digestBlock.set(state);
    state.set(this.outer);
    compressSha1(state, digestBlock);
    const offset = state[4]! & 0x0f;
    const word = offset >>> 2;
    const shift = (offset & 3) * 8;
    const high = state[word]!;
    const low = word < 4 ? state[word + 1]! : 0;
    const value = shift === 0 ? high : (high << shift) | (low >>> (32 - shift));
    return value & 0x7fffffff;
  }
}
