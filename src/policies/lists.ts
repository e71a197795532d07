const NONE = -1;

/**
 * Doubly linked lists of slots threaded through shared typed arrays, for policies that keep each slot on one
 * of several lists (the regions of W-TinyLFU, the frequency buckets of LFU). A slot is on at most one list at
 * a time. Heads are the most recent end, tails the next to go. Every operation is O(1) and allocates nothing.
 */
export class SlotLists {
  readonly #next: Int32Array;
  readonly #prev: Int32Array;
  readonly #head: Int32Array;
  readonly #tail: Int32Array;
  readonly #size: Int32Array;

  constructor(slots: number, lists: number) {
    this.#next = new Int32Array(slots).fill(NONE);
    this.#prev = new Int32Array(slots).fill(NONE);
    this.#head = new Int32Array(lists).fill(NONE);
    this.#tail = new Int32Array(lists).fill(NONE);
    this.#size = new Int32Array(lists);
  }

  size(list: number): number {
    return this.#size[list]!;
  }

  /** The most recent slot of `list`, or -1 when it is empty. */
  head(list: number): number {
    return this.#head[list]!;
  }

  /** The least recent slot of `list`, or -1 when it is empty. */
  tail(list: number): number {
    return this.#tail[list]!;
  }

  /** The slot after `slot` towards the tail, or -1. */
  next(slot: number): number {
    return this.#next[slot]!;
  }

  pushHead(list: number, slot: number): void {
    const head = this.#head[list]!;
    this.#prev[slot] = NONE;
    this.#next[slot] = head;
    if (head !== NONE) this.#prev[head] = slot;
    else this.#tail[list] = slot;
    this.#head[list] = slot;
    this.#size[list]!++;
  }

  unlink(list: number, slot: number): void {
    const prev = this.#prev[slot]!;
    const next = this.#next[slot]!;
    if (prev !== NONE) this.#next[prev] = next;
    else this.#head[list] = next;
    if (next !== NONE) this.#prev[next] = prev;
    else this.#tail[list] = prev;
    this.#size[list]!--;
  }

  moveToHead(list: number, slot: number): void {
    if (this.#head[list] === slot) return;
    this.unlink(list, slot);
    this.pushHead(list, slot);
  }

  clear(): void {
    this.#next.fill(NONE);
    this.#prev.fill(NONE);
    this.#head.fill(NONE);
    this.#tail.fill(NONE);
    this.#size.fill(0);
  }
}
