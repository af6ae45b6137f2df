/** Bytes of a record's digest the journal keeps: 96 bits, so two records of a million never collide by chance. */
export const DIGEST_BYTES = 12;
const WORDS = DIGEST_BYTES / 4;
/** A slot's state: 0 while empty; else a value below 128 given by the caller, plus {@link TAKEN} once taken. */
const TAKEN = 0x80;

/**
 * A set of record digests with a small value each, in typed arrays (open addressing, linear
 * probing): about 16 to 32 bytes a digest, where a `Set` of strings would hold about a hundred,
 * so the resume of a million-user import holds tens of megabytes, not hundreds. Each digest can be
 * taken once ({@link take}); what was never taken is counted ({@link untaken}).
 */
export class DigestSet {
  private words = new Uint32Array(0);
  private states = new Uint8Array(0);
  private mask = -1;
  size = 0;

  /** Adds `digest` (of {@link DIGEST_BYTES} bytes) with `value` (1 to 127); a digest already in keeps its value. */
  add(digest: Uint8Array, value: number): void {
    if ((this.size + 1) * 2 > this.states.length) this.grow();
    const slot = this.slotOf(digest);
    if (this.states[slot] !== 0) return;
    for (let w = 0; w < WORDS; w++) this.words[slot * WORDS + w] = wordOf(digest, w);
    this.states[slot] = value;
    this.size++;
  }

  /** Whether `digest` is in, taken or not. */
  has(digest: Uint8Array): boolean {
    return this.size > 0 && this.states[this.slotOf(digest)] !== 0;
  }

  /** The value of `digest` if it is in and not taken yet (it is taken now), else 0. */
  take(digest: Uint8Array): number {
    if (this.size === 0) return 0;
    const slot = this.slotOf(digest);
    const state = this.states[slot]!;
    if (state === 0 || state & TAKEN) return 0;
    this.states[slot] = state | TAKEN;
    return state;
  }

  /** How many digests were never taken. */
  untaken(): number {
    let count = 0;
    for (const state of this.states) if (state !== 0 && !(state & TAKEN)) count++;
    return count;
  }

  /** The slot holding `digest`, or the empty one where it would go. */
  private slotOf(digest: Uint8Array): number {
    let slot = wordOf(digest, 0) & this.mask;
    for (;;) {
      if (this.states[slot] === 0 || this.holds(slot, digest)) return slot;
      slot = (slot + 1) & this.mask;
    }
  }

  private holds(slot: number, digest: Uint8Array): boolean {
    for (let w = 0; w < WORDS; w++) if (this.words[slot * WORDS + w] !== wordOf(digest, w)) return false;
    return true;
  }

  /** Doubles the table (at least 1,024 slots), at most half full. */
  private grow(): void {
    const { words, states } = this;
    const slots = Math.max(1024, states.length * 2);
    this.words = new Uint32Array(slots * WORDS);
    this.states = new Uint8Array(slots);
    this.mask = slots - 1;
    const digest = new Uint8Array(DIGEST_BYTES);
    const view = new DataView(digest.buffer);
    for (let old = 0; old < states.length; old++) {
      if (states[old] === 0) continue;
      for (let w = 0; w < WORDS; w++) view.setUint32(w * 4, words[old * WORDS + w]!, true);
      const slot = this.slotOf(digest);
      this.words.set(words.subarray(old * WORDS, old * WORDS + WORDS), slot * WORDS);
      this.states[slot] = states[old]!;
    }
  }
}

/** Word `w` of a digest, little-endian (the digest is a keyed hash: any word is uniform). */
const wordOf = (digest: Uint8Array, w: number) =>
  (digest[w * 4]! | (digest[w * 4 + 1]! << 8) | (digest[w * 4 + 2]! << 16) | (digest[w * 4 + 3]! << 24)) >>>
  0;
