import { H_RING_CELLS, H_RING_HEAD, H_RING_OFFSET } from './layout.js';

/**
 * The lossy read buffer (Caffeine's idea): a page that serves a hit from shared memory writes the entry's
 * slot into the next cell of a ring, and the worker drains the ring into the eviction policy. When pages
 * read faster than the worker drains, newer hits overwrite older ones: the policy sees a sample of the
 * reads, which is all that recency and frequency need. The head counts every hit ever recorded, so it is
 * also the exact count of fast-path hits.
 */
export class ReadBuffer {
  readonly #words: Int32Array;
  readonly #base: number;
  readonly #mask: number;
  /** Worker side: the head up to which cells were drained, and the hits counted before that. */
  #tail = 0;
  #drained = 0;

  constructor(buffer: SharedArrayBuffer) {
    this.#words = new Int32Array(buffer);
    this.#base = this.#words[H_RING_OFFSET]! / 4;
    this.#mask = this.#words[H_RING_CELLS]! - 1;
  }

  /** Page side: records a hit on `slot`. */
  record(slot: number): void {
    const cell = Atomics.add(this.#words, H_RING_HEAD, 1) & this.#mask;
    Atomics.store(this.#words, this.#base + cell, slot + 1);
  }

  /** Worker side: calls `visit` with the slot of each hit recorded since the last drain that was not overwritten. */
  drain(visit: (slot: number) => void): void {
    const head = Atomics.load(this.#words, H_RING_HEAD);
    // The head is a 32-bit counter that wraps; the difference is exact as long as drains come more often
    // than every 2^32 hits.
    const fresh = (head - this.#tail) >>> 0;
    this.#drained += fresh;
    this.#tail = head;
    const cells = Math.min(fresh, this.#mask + 1);
    for (let i = 0; i < cells; i++) {
      const slot = Atomics.exchange(this.#words, this.#base + ((head - cells + i) & this.#mask), 0) - 1;
      if (slot >= 0) visit(slot);
    }
  }

  /** Worker side: fast-path hits counted up to now. */
  get hits(): number {
    return this.#drained + ((Atomics.load(this.#words, H_RING_HEAD) - this.#tail) >>> 0);
  }
}
