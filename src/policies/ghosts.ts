/**
 * Keys evicted lately, by hash, and which side of W-TinyLFU evicted them: the ghost lists of ARC, kept
 * lossily in a direct-mapped table so that every operation is O(1) and allocates nothing. A ghost counts
 * while it is among the last `capacity` evictions; a newer eviction with the same table index replaces it.
 */
export class Ghosts {
  readonly #hashes: Int32Array;
  readonly #evictedAt: Int32Array;
  readonly #sides: Uint8Array;
  readonly #shift: number;
  /** The side of each of the last `capacity` evictions, as a ring, to count ghosts by side. */
  readonly #recent: Uint8Array;
  readonly #bySide = new Int32Array(3);
  #evictions = 0;
  /** The eviction number of the ghost `take` last found, to tell in which order ghosts come back. */
  takenAt = 0;

  constructor(capacity: number) {
    const bits = Math.max(4, Math.ceil(Math.log2(2 * capacity)));
    this.#hashes = new Int32Array(2 ** bits);
    this.#evictedAt = new Int32Array(2 ** bits);
    this.#sides = new Uint8Array(2 ** bits);
    this.#shift = 32 - bits;
    this.#recent = new Uint8Array(capacity);
  }

  /** Ghosts from `side` (1 or 2) among the last `capacity` evictions. */
  count(side: number): number {
    return this.#bySide[side]!;
  }

  record(hash: number, side: number): void {
    const ring = this.#evictions % this.#recent.length;
    this.#bySide[this.#recent[ring]!]!--;
    this.#recent[ring] = side;
    this.#bySide[side]!++;
    const at = this.#index(hash);
    this.#hashes[at] = hash;
    this.#evictedAt[at] = this.#evictions;
    this.#sides[at] = side;
    this.#evictions = (this.#evictions + 1) | 0;
  }

  /** The side that evicted `hash` lately, or 0; the ghost is used up. */
  take(hash: number): number {
    const at = this.#index(hash);
    const side = this.#sides[at]!;
    if (side === 0 || this.#hashes[at] !== hash) return 0;
    this.#sides[at] = 0;
    this.takenAt = this.#evictedAt[at]!;
    return ((this.#evictions - this.#evictedAt[at]!) | 0) <= this.#recent.length ? side : 0;
  }

  clear(): void {
    this.#sides.fill(0);
    this.#recent.fill(0);
    this.#bySide.fill(0);
    this.#evictions = 0;
  }

  #index(hash: number): number {
    return Math.imul(hash, 0x9e3779b1) >>> this.#shift;
  }
}
