/**
 * A count-min sketch of 4-bit counters that estimates how often a key was seen recently: the frequency
 * filter of TinyLFU (Einziger, Friedman and Manes, 2017), laid out as Caffeine's FrequencySketch. Each key
 * owns four counters in one 64-byte block (one cache line); its estimate is their minimum. After
 * `10 × capacity` additions every counter is halved, so that old popularity fades.
 *
 * Keys come in as 32-bit hashes: the store's, seeded per store, so that colliding keys cannot be computed.
 */
export class FrequencySketch {
  /** Eight 4-bit counters a word; sixteen words (64 bytes) a block. */
  readonly #table: Uint32Array;
  readonly #blockMask: number;
  readonly #sampleSize: number;
  #additions = 0;

  constructor(capacity: number) {
    const blocks = ceilingPowerOfTwo(Math.max(capacity, 8)) >>> 3;
    this.#table = new Uint32Array(blocks * 16);
    this.#blockMask = blocks - 1;
    this.#sampleSize = 10 * Math.max(capacity, 1);
  }

  /** Additions between two halvings; also the sample period of TinyLFU's hill climber. */
  get sampleSize(): number {
    return this.#sampleSize;
  }

  /** The estimated count of `hash`, 0 to 15. */
  frequency(hash: number): number {
    const block = (hash & this.#blockMask) << 4;
    const counters = rehash(hash);
    let min = 15;
    for (let i = 0; i < 4; i++) {
      const h = counters >>> (i << 3);
      const word = block + (i << 2) + (h & 3);
      const count = (this.#table[word]! >>> ((h & 0x1c) >>> 0)) & 0xf;
      if (count < min) min = count;
    }
    return min;
  }

  /** Counts one more sighting of `hash`; every `sampleSize` additions, halves every counter. */
  increment(hash: number): void {
    const block = (hash & this.#blockMask) << 4;
    const counters = rehash(hash);
    let added = false;
    for (let i = 0; i < 4; i++) {
      const h = counters >>> (i << 3);
      const word = block + (i << 2) + (h & 3);
      const shift = h & 0x1c;
      const value = this.#table[word]!;
      if (((value >>> shift) & 0xf) !== 0xf) {
        this.#table[word] = value + (1 << shift);
        added = true;
      }
    }
    if (added && ++this.#additions >= this.#sampleSize) this.#halve();
  }

  clear(): void {
    this.#table.fill(0);
    this.#additions = 0;
  }

  #halve(): void {
    const table = this.#table;
    let odd = 0;
    for (let i = 0; i < table.length; i++) {
      const value = table[i]!;
      odd += popcount(value & 0x11111111);
      table[i] = (value >>> 1) & 0x77777777;
    }
    // Each halving truncates the odd counters; one addition spreads over four counters.
    this.#additions = (this.#additions - (odd >>> 2)) >>> 1;
  }
}

/** A second, independent-looking hash of a hash: picks the four counters within the block. */
function rehash(hash: number): number {
  const h = Math.imul(hash, 0x31848bab);
  return (h ^ (h >>> 14)) >>> 0;
}

function ceilingPowerOfTwo(n: number): number {
  return 2 ** Math.ceil(Math.log2(n));
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}
