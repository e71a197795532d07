import { MIN_BLOCK } from './layout.js';

/**
 * A buddy allocator over a byte range of the shared buffer: blocks of MIN_BLOCK << order, split on demand
 * and merged with their buddy when both are free, so that the space of removed entries comes back whole.
 * Its bookkeeping lives in the worker's own memory: only the worker allocates. A block wastes at most half
 * of itself, a quarter on average.
 *
 * A range that is not a power of two is laid out as its binary digits, largest first; no block of one of
 * those pieces has a buddy of its own order in another, so they never merge across.
 */
export class Arena {
  readonly #base: number;
  readonly #maxOrder: number;
  /** Per unit of MIN_BLOCK: order + 1 for the head of an allocated block, -(order + 1) for a free one, else 0. */
  readonly #state: Int8Array;
  /** Doubly linked free lists, one per order, through the head units of free blocks; -1 ends a list. */
  readonly #next: Int32Array;
  readonly #prev: Int32Array;
  readonly #heads: Int32Array;
  #used = 0;

  constructor(base: number, bytes: number) {
    this.#base = base;
    const units = Math.floor(bytes / MIN_BLOCK);
    this.#maxOrder = Math.max(0, Math.floor(Math.log2(Math.max(1, units))));
    this.#state = new Int8Array(units);
    this.#next = new Int32Array(units);
    this.#prev = new Int32Array(units);
    this.#heads = new Int32Array(this.#maxOrder + 1);
    this.clear();
  }

  /** Bytes in allocated blocks. */
  get used(): number {
    return this.#used;
  }

  /** The largest block it can ever hand out. */
  get maxBlock(): number {
    return MIN_BLOCK << this.#maxOrder;
  }

  /** The byte offset of a block of at least `bytes`, or -1 when none is free. */
  allocate(bytes: number): number {
    const order = Math.max(0, Math.ceil(Math.log2(bytes / MIN_BLOCK)));
    let found = order;
    while (found <= this.#maxOrder && this.#heads[found] === -1) found++;
    if (found > this.#maxOrder) return -1;
    const unit = this.#heads[found]!;
    this.#unlink(unit, found);
    // Split down to the order wanted; the upper halves go back on the free lists.
    while (found > order) {
      found--;
      this.#push(unit + (1 << found), found);
    }
    this.#state[unit] = order + 1;
    this.#used += MIN_BLOCK << order;
    return this.#base + unit * MIN_BLOCK;
  }

  /** Gives back the block at `offset`, which `allocate` returned. */
  free(offset: number): void {
    let unit = (offset - this.#base) / MIN_BLOCK;
    let order = this.#state[unit]! - 1;
    if (order < 0) throw new Error(`tabcache: no block allocated at ${offset}`);
    this.#state[unit] = 0;
    this.#used -= MIN_BLOCK << order;
    while (order < this.#maxOrder) {
      const buddy = unit ^ (1 << order);
      if (buddy >= this.#state.length || this.#state[buddy] !== -(order + 1)) break;
      this.#unlink(buddy, order);
      unit = Math.min(unit, buddy);
      order++;
    }
    this.#push(unit, order);
  }

  /** Frees every block at once. */
  clear(): void {
    this.#state.fill(0);
    this.#heads.fill(-1);
    this.#used = 0;
    let unit = 0;
    for (let order = this.#maxOrder; order >= 0; order--) {
      if (unit + (1 << order) <= this.#state.length) {
        this.#push(unit, order);
        unit += 1 << order;
      }
    }
  }

  #push(unit: number, order: number): void {
    const head = this.#heads[order]!;
    this.#state[unit] = -(order + 1);
    this.#prev[unit] = -1;
    this.#next[unit] = head;
    if (head !== -1) this.#prev[head] = unit;
    this.#heads[order] = unit;
  }

  #unlink(unit: number, order: number): void {
    const prev = this.#prev[unit]!;
    const next = this.#next[unit]!;
    if (prev === -1) this.#heads[order] = next;
    else this.#next[prev] = next;
    if (next !== -1) this.#prev[next] = prev;
    this.#state[unit] = 0;
  }
}
