import type { Policy, PolicyContext } from './policy.js';
import { SlotLists } from './lists.js';

const NONE = -1;

/**
 * Least frequently used, in O(1) (Shah, Mitra and Matani, 2010): one bucket per frequency present, kept in
 * increasing order, each holding its slots from most to least recently used. The victim is the least recent
 * slot of the lowest bucket, so ties on frequency go to the least recently used. A read or an update counts
 * as a use; a new entry starts at 1.
 */
export class LfuPolicy implements Policy {
  /** Slots by bucket: list `b` holds the slots whose count is `#count[b]`. */
  readonly #slots: SlotLists;
  readonly #bucketOf: Int32Array;
  readonly #count: Float64Array;
  readonly #nextBucket: Int32Array;
  readonly #prevBucket: Int32Array;
  readonly #freeBuckets: Int32Array;
  #freeCount = 0;
  /** The bucket of the lowest count: the minimum-frequency pointer. */
  #lowest = NONE;

  constructor({ capacity }: PolicyContext) {
    const slots = capacity + 1;
    // One bucket per slot at most, plus one: a use makes the next bucket before it empties the last.
    const buckets = slots + 1;
    this.#slots = new SlotLists(slots, buckets);
    this.#bucketOf = new Int32Array(slots).fill(NONE);
    this.#count = new Float64Array(buckets);
    this.#nextBucket = new Int32Array(buckets).fill(NONE);
    this.#prevBucket = new Int32Array(buckets).fill(NONE);
    this.#freeBuckets = new Int32Array(buckets);
    this.clear();
  }

  onHit(slot: number): void {
    const from = this.#bucketOf[slot]!;
    const count = this.#count[from]! + 1;
    const after = this.#nextBucket[from]!;
    const to = after !== NONE && this.#count[after] === count ? after : this.#newBucket(count, from);
    this.#slots.unlink(from, slot);
    this.#slots.pushHead(to, slot);
    this.#bucketOf[slot] = to;
    if (this.#slots.size(from) === 0) this.#dropBucket(from);
  }

  onMiss(): void {}

  onInsert(slot: number): void {
    const lowest = this.#lowest;
    const to = lowest !== NONE && this.#count[lowest] === 1 ? lowest : this.#newBucket(1, NONE);
    this.#slots.pushHead(to, slot);
    this.#bucketOf[slot] = to;
  }

  onUpdate(slot: number): void {
    this.onHit(slot);
  }

  onRemove(slot: number): void {
    const from = this.#bucketOf[slot]!;
    this.#slots.unlink(from, slot);
    this.#bucketOf[slot] = NONE;
    if (this.#slots.size(from) === 0) this.#dropBucket(from);
  }

  victim(): number {
    return this.#slots.tail(this.#lowest);
  }

  clear(): void {
    this.#slots.clear();
    this.#bucketOf.fill(NONE);
    this.#nextBucket.fill(NONE);
    this.#prevBucket.fill(NONE);
    const buckets = this.#freeBuckets.length;
    for (let i = 0; i < buckets; i++) this.#freeBuckets[i] = buckets - 1 - i;
    this.#freeCount = buckets;
    this.#lowest = NONE;
  }

  /** A new empty bucket for `count`, linked right after `prev` (or first when `prev` is NONE). */
  #newBucket(count: number, prev: number): number {
    const bucket = this.#freeBuckets[--this.#freeCount]!;
    this.#count[bucket] = count;
    const next = prev === NONE ? this.#lowest : this.#nextBucket[prev]!;
    this.#prevBucket[bucket] = prev;
    this.#nextBucket[bucket] = next;
    if (prev === NONE) this.#lowest = bucket;
    else this.#nextBucket[prev] = bucket;
    if (next !== NONE) this.#prevBucket[next] = bucket;
    return bucket;
  }

  #dropBucket(bucket: number): void {
    const prev = this.#prevBucket[bucket]!;
    const next = this.#nextBucket[bucket]!;
    if (prev === NONE) this.#lowest = next;
    else this.#nextBucket[prev] = next;
    if (next !== NONE) this.#prevBucket[next] = prev;
    this.#freeBuckets[this.#freeCount++] = bucket;
  }
}
