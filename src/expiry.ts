const NONE = -1;
const BUCKETS = 64;
/**
 * Milliseconds a bucket spans on each level: level `l` holds what falls due within `SPANS[l + 1]` ms, in 64
 * buckets of `SPANS[l]` ms each (64 ms, 4.1 s, 4.4 min, 4.7 h, 12.4 days). The last level is a single
 * overflow bucket for anything later, looked at again every 12.4 days.
 */
const SPANS = [1, 2 ** 6, 2 ** 12, 2 ** 18, 2 ** 24, 2 ** 30];
const LEVELS = SPANS.length;
const OVERFLOW = (LEVELS - 1) * BUCKETS;

/**
 * A hierarchical timer wheel of slots (Varghese and Lauck, 1987; the shape of Caffeine's TimerWheel, in
 * milliseconds): scheduling and cancelling are O(1), and advancing the clock visits only the buckets whose
 * time has come, a bounded number, plus the entries in them. An entry moves down a level each time its
 * bucket comes up early, so it is touched at most once a level before it expires. Due times should be whole
 * milliseconds: then, after `advance(now)`, no entry due at or before `now` is left.
 */
export class TimerWheel {
  readonly #next: Int32Array;
  readonly #prev: Int32Array;
  readonly #bucketOf: Int32Array;
  readonly #due: Float64Array;
  readonly #heads = new Int32Array(OVERFLOW + 1).fill(NONE);
  #time = 0;
  #size = 0;

  constructor(slots: number) {
    this.#next = new Int32Array(slots).fill(NONE);
    this.#prev = new Int32Array(slots).fill(NONE);
    this.#bucketOf = new Int32Array(slots).fill(NONE);
    this.#due = new Float64Array(slots);
  }

  /** Slots scheduled. */
  get size(): number {
    return this.#size;
  }

  /** When `slot` falls due (ms), or Infinity when it is not scheduled. */
  dueOf(slot: number): number {
    return this.#bucketOf[slot] === NONE ? Infinity : this.#due[slot]!;
  }

  /** Schedules `slot` to fall due at `due` (ms), replacing any earlier schedule of it. */
  schedule(slot: number, due: number): void {
    this.unschedule(slot);
    this.#due[slot] = due;
    this.#link(slot, this.#bucketFor(due));
  }

  unschedule(slot: number): void {
    const bucket = this.#bucketOf[slot]!;
    if (bucket === NONE) return;
    const prev = this.#prev[slot]!;
    const next = this.#next[slot]!;
    if (prev !== NONE) this.#next[prev] = next;
    else this.#heads[bucket] = next;
    if (next !== NONE) this.#prev[next] = prev;
    this.#bucketOf[slot] = NONE;
    this.#size--;
  }

  /** Moves the wheel to `now` and calls `expire` for every slot due at or before it, unscheduling each. */
  advance(now: number, expire: (slot: number) => void): void {
    const previous = this.#time;
    if (!(now > previous)) return;
    this.#time = now;
    if (this.#size === 0) return;
    for (let level = 0; level < LEVELS; level++) {
      const span = SPANS[level]!;
      const from = Math.floor(previous / span);
      const ticks = Math.floor(now / span) - from;
      if (ticks <= 0) return;
      const buckets = level === LEVELS - 1 ? 1 : BUCKETS;
      const steps = Math.min(ticks + 1, buckets);
      for (let i = 0; i < steps; i++) this.#expireBucket(level * BUCKETS + modulo(from + i, buckets), now, expire);
    }
  }

  clear(): void {
    this.#heads.fill(NONE);
    this.#bucketOf.fill(NONE);
    this.#size = 0;
  }

  /** Empties a bucket whose time has come: what is due expires, the rest goes to a finer bucket. */
  #expireBucket(bucket: number, now: number, expire: (slot: number) => void): void {
    let slot = this.#heads[bucket]!;
    this.#heads[bucket] = NONE;
    while (slot !== NONE) {
      const next = this.#next[slot]!;
      this.#bucketOf[slot] = NONE;
      this.#size--;
      const due = this.#due[slot]!;
      if (due <= now) expire(slot);
      else this.#link(slot, this.#bucketFor(due));
      slot = next;
    }
  }

  #bucketFor(due: number): number {
    const delta = due - this.#time;
    for (let level = 0; level < LEVELS - 1; level++) {
      if (delta < SPANS[level + 1]!) return level * BUCKETS + modulo(Math.floor(due / SPANS[level]!), BUCKETS);
    }
    return OVERFLOW;
  }

  #link(slot: number, bucket: number): void {
    const head = this.#heads[bucket]!;
    this.#prev[slot] = NONE;
    this.#next[slot] = head;
    if (head !== NONE) this.#prev[head] = slot;
    this.#heads[bucket] = slot;
    this.#bucketOf[slot] = bucket;
    this.#size++;
  }
}

function modulo(n: number, m: number): number {
  const r = n % m;
  return r < 0 ? r + m : r;
}
