import { hashA } from './hash.js';

const EMPTY = 0;

/**
 * The store's index from key to slot: open addressing with linear probing over a power-of-two table of at
 * least twice the slots, so it is never more than half full. The table holds slot numbers (plus one, so
 * that 0 is empty) and remembers each slot's hash; a key is compared only where the hashes agree, and
 * removing a slot moves later entries back (backward-shift deletion) without reading any key. Keys are
 * hashed with a seed the store draws per table, so that keys chosen to collide cannot be computed in advance.
 *
 * A Map did this job before: V8's Map reads the key strings of the entries it walks and of the key it
 * deletes, and a get-or-put over many keys spent most of its time there (bench/policies.bench.ts).
 */
export class KeyTable {
  /** The store's keys by slot, which the table reads to tell apart keys whose hashes agree. */
  readonly #keys: readonly (string | undefined)[];
  readonly #hashOf: Int32Array;
  readonly #table: Int32Array;
  readonly #mask: number;
  readonly #seed: number;
  #size = 0;

  constructor(slots: number, keys: readonly (string | undefined)[], seed: number) {
    this.#keys = keys;
    this.#seed = seed;
    this.#hashOf = new Int32Array(slots);
    const length = 2 ** Math.ceil(Math.log2(Math.max(2 * slots, 8)));
    this.#table = new Int32Array(length);
    this.#mask = length - 1;
  }

  /** Keys in the table. */
  get size(): number {
    return this.#size;
  }

  hash(key: string): number {
    return hashA(key, this.#seed);
  }

  /** The slot of `key`, whose hash is `hash`, or -1. */
  find(key: string, hash: number): number {
    const table = this.#table;
    const mask = this.#mask;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const slot = table[i]! - 1;
      if (slot < 0) return -1;
      if (this.#hashOf[slot] === hash && this.#keys[slot] === key) return slot;
    }
  }

  /** Enters `slot`, whose key (not in the table yet) has hash `hash`. */
  insert(slot: number, hash: number): void {
    const table = this.#table;
    const mask = this.#mask;
    let i = hash & mask;
    while (table[i] !== EMPTY) i = (i + 1) & mask;
    table[i] = slot + 1;
    this.#hashOf[slot] = hash;
    this.#size++;
  }

  /** Takes out `slot`; does nothing when it is not in the table. */
  remove(slot: number): void {
    const table = this.#table;
    const mask = this.#mask;
    let hole = this.#hashOf[slot]! & mask;
    while (table[hole] !== slot + 1) {
      if (table[hole] === EMPTY) return;
      hole = (hole + 1) & mask;
    }
    // Each later entry of the run moves into the hole unless its home lies between the hole and itself.
    for (let i = (hole + 1) & mask; table[i] !== EMPTY; i = (i + 1) & mask) {
      const home = this.#hashOf[table[i]! - 1]! & mask;
      if (((i - home) & mask) >= ((i - hole) & mask)) {
        table[hole] = table[i]!;
        hole = i;
      }
    }
    table[hole] = EMPTY;
    this.#size--;
  }

  clear(): void {
    this.#table.fill(EMPTY);
    this.#size = 0;
  }
}
