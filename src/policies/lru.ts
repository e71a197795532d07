import type { Policy, PolicyContext } from './policy.js';

const NONE = -1;

/**
 * Least recently used: a doubly linked list threaded through two typed arrays, so that every operation is
 * O(1) and allocates nothing. `#head` is the most recent slot, `#tail` the next victim.
 */
export class LruPolicy implements Policy {
  #next: Int32Array;
  #prev: Int32Array;
  #head = NONE;
  #tail = NONE;

  constructor({ capacity }: PolicyContext) {
    this.#next = new Int32Array(capacity + 1).fill(NONE);
    this.#prev = new Int32Array(capacity + 1).fill(NONE);
  }

  onHit(slot: number): void {
    if (slot === this.#head) return;
    this.#unlink(slot);
    this.#pushHead(slot);
  }

  onMiss(): void {}

  onInsert(slot: number): void {
    this.#pushHead(slot);
  }

  onUpdate(slot: number): void {
    this.onHit(slot);
  }

  onRemove(slot: number): void {
    this.#unlink(slot);
  }

  victim(): number {
    return this.#tail;
  }

  clear(): void {
    this.#next.fill(NONE);
    this.#prev.fill(NONE);
    this.#head = this.#tail = NONE;
  }

  #pushHead(slot: number): void {
    this.#prev[slot] = NONE;
    this.#next[slot] = this.#head;
    if (this.#head !== NONE) this.#prev[this.#head] = slot;
    else this.#tail = slot;
    this.#head = slot;
  }

  #unlink(slot: number): void {
    const prev = this.#prev[slot]!;
    const next = this.#next[slot]!;
    if (prev !== NONE) this.#next[prev] = next;
    else this.#head = next;
    if (next !== NONE) this.#prev[next] = prev;
    else this.#tail = prev;
  }
}
