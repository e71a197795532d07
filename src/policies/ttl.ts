import type { Policy, PolicyContext } from './policy.js';
import { SlotLists } from './lists.js';

const NONE = -1;

/**
 * Evicts the entry that expires soonest. Entries are grouped by their time to live: within one group,
 * expiry follows insertion order (with a clock that does not go back), so each group is a FIFO whose
 * oldest entry expires first, and a small heap orders the groups by that entry. Every operation is O(1)
 * plus O(log k) for k distinct ttls held, which is a handful in practice. Entries without a ttl go last,
 * least recently used first.
 */
export class TtlPolicy implements Policy {
  /** List `g` holds the entries of group `g`, newest at the head. */
  readonly #lists: SlotLists;
  readonly #groupOf: Int32Array;
  readonly #expires: Float64Array;
  readonly #groups = new Map<number, number>();
  readonly #groupTtl: Float64Array;
  readonly #free: Int32Array;
  #freeCount = 0;
  /** Groups as a binary min-heap on the expiry of their oldest entry; `#position` is each group's index. */
  readonly #heap: Int32Array;
  readonly #position: Int32Array;
  #heapSize = 0;

  constructor({ capacity }: PolicyContext) {
    const slots = capacity + 1;
    this.#lists = new SlotLists(slots, slots);
    this.#groupOf = new Int32Array(slots).fill(NONE);
    this.#expires = new Float64Array(slots);
    this.#groupTtl = new Float64Array(slots);
    this.#free = new Int32Array(slots);
    this.#heap = new Int32Array(slots);
    this.#position = new Int32Array(slots).fill(NONE);
    this.clear();
  }

  onHit(slot: number): void {
    const group = this.#groupOf[slot]!;
    // Entries that never expire all tie, so among them the least recently used goes first.
    if (this.#groupTtl[group] === Infinity) this.#lists.moveToHead(group, slot);
  }

  onMiss(): void {}

  onInsert(slot: number, _key: string, expiresAt: number, ttl: number): void {
    let group = this.#groups.get(ttl);
    if (group === undefined) {
      group = this.#free[--this.#freeCount]!;
      this.#groups.set(ttl, group);
      this.#groupTtl[group] = ttl;
    }
    this.#expires[slot] = expiresAt;
    this.#groupOf[slot] = group;
    this.#lists.pushHead(group, slot);
    if (this.#lists.size(group) === 1) {
      this.#heap[this.#heapSize] = group;
      this.#position[group] = this.#heapSize++;
      this.#siftUp(this.#heapSize - 1);
    }
  }

  onUpdate(slot: number, expiresAt: number, ttl: number): void {
    this.onRemove(slot);
    this.onInsert(slot, '', expiresAt, ttl);
  }

  onRemove(slot: number): void {
    const group = this.#groupOf[slot]!;
    const wasOldest = this.#lists.tail(group) === slot;
    this.#lists.unlink(group, slot);
    this.#groupOf[slot] = NONE;
    if (this.#lists.size(group) === 0) this.#dropGroup(group);
    else if (wasOldest) this.#siftDown(this.#position[group]!);
  }

  victim(): number {
    return this.#lists.tail(this.#heap[0]!);
  }

  clear(): void {
    this.#lists.clear();
    this.#groupOf.fill(NONE);
    this.#groups.clear();
    this.#position.fill(NONE);
    this.#heapSize = 0;
    const groups = this.#free.length;
    for (let i = 0; i < groups; i++) this.#free[i] = groups - 1 - i;
    this.#freeCount = groups;
  }

  #dropGroup(group: number): void {
    this.#groups.delete(this.#groupTtl[group]!);
    this.#free[this.#freeCount++] = group;
    const at = this.#position[group]!;
    const last = this.#heap[--this.#heapSize]!;
    this.#position[group] = NONE;
    if (last === group) return;
    this.#heap[at] = last;
    this.#position[last] = at;
    this.#siftUp(at);
    this.#siftDown(this.#position[last]!);
  }

  /** The expiry of the oldest entry of the group at heap index `i`. */
  #key(i: number): number {
    return this.#expires[this.#lists.tail(this.#heap[i]!)]!;
  }

  #siftUp(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.#key(parent) <= this.#key(i)) return;
      this.#swap(i, parent);
      i = parent;
    }
  }

  #siftDown(i: number): void {
    for (;;) {
      const left = 2 * i + 1;
      if (left >= this.#heapSize) return;
      const right = left + 1;
      const child = right < this.#heapSize && this.#key(right) < this.#key(left) ? right : left;
      if (this.#key(i) <= this.#key(child)) return;
      this.#swap(i, child);
      i = child;
    }
  }

  #swap(i: number, j: number): void {
    const a = this.#heap[i]!;
    const b = this.#heap[j]!;
    this.#heap[i] = b;
    this.#heap[j] = a;
    this.#position[b] = i;
    this.#position[a] = j;
  }
}
