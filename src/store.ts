import { PREFIX } from './errors.js';
import type { Policy, PolicyFactory } from './policies/policy.js';
import type { MemoryStats, StoreConfig } from './protocol.js';
import { sizeOf } from './size.js';

/** What `Store.get` returns for a key it does not hold; `undefined` is a value like any other. */
export const MISS: unique symbol = Symbol('tabcache.miss');

export interface StoreEntryOptions {
  /** Milliseconds to live; undefined falls back to the store's ttl, Infinity means never. */
  ttl?: number | undefined;
  tags?: readonly string[] | undefined;
  /** Bytes the value holds, when the caller knows better than the estimate. */
  size?: number | undefined;
}

/**
 * The entries of one cache in memory: keys, values, expiry times and sizes in numbered slots, ordered for
 * eviction by a policy. Synchronous and free of I/O, so that it can be tested and simulated anywhere.
 * Expired entries are never returned: a read that finds one removes it.
 */
export class Store {
  readonly #config: StoreConfig;
  readonly #policy: Policy;
  readonly #now: () => number;
  readonly #slots = new Map<string, number>();
  readonly #keys: (string | undefined)[];
  readonly #values: unknown[];
  readonly #tags: (readonly string[] | undefined)[];
  readonly #expires: Float64Array;
  readonly #sizes: Float64Array;
  readonly #free: number[] = [];
  #used = 0;
  #bytes = 0;
  #counts = { hits: 0, misses: 0, puts: 0, deletes: 0, evictions: 0, expirations: 0 };

  constructor(config: StoreConfig, policy: PolicyFactory, now: () => number = Date.now) {
    this.#config = config;
    this.#now = now;
    const slots = config.capacity + 1;
    this.#policy = policy({ capacity: config.capacity, now });
    this.#keys = new Array<string | undefined>(slots);
    this.#values = new Array<unknown>(slots);
    this.#tags = new Array<readonly string[] | undefined>(slots);
    this.#expires = new Float64Array(slots);
    this.#sizes = new Float64Array(slots);
  }

  get config(): StoreConfig {
    return this.#config;
  }

  /** The value for `key`, or MISS. Counts a hit or a miss and tells the policy. */
  get(key: string): unknown {
    const slot = this.#live(key);
    if (slot === undefined) {
      this.#counts.misses++;
      this.#policy.onMiss(key);
      return MISS;
    }
    this.#counts.hits++;
    this.#policy.onHit(slot);
    return this.#values[slot];
  }

  /** Whether `key` is held and fresh. Not a read: no hit, miss or policy update. */
  has(key: string): boolean {
    return this.#live(key) !== undefined;
  }

  put(key: string, value: unknown, options: StoreEntryOptions = {}): void {
    const ttl = options.ttl ?? this.#config.ttl;
    const expiresAt = ttl === undefined || ttl === Infinity ? Infinity : this.#now() + ttl;
    const size = options.size ?? sizeOf(value) + key.length * 2;
    const { maxBytes } = this.#config;
    if (maxBytes !== undefined && size > maxBytes) {
      throw new RangeError(`${PREFIX}the value for key ${JSON.stringify(key)} takes ${size} bytes, more than maxBytes (${maxBytes})`);
    }
    this.#counts.puts++;
    let slot = this.#slots.get(key);
    if (slot !== undefined) {
      this.#bytes += size - this.#sizes[slot]!;
      this.#policy.onUpdate(slot, expiresAt);
    } else {
      slot = this.#free.pop() ?? this.#used++;
      this.#slots.set(key, slot);
      this.#keys[slot] = key;
      this.#bytes += size;
      this.#policy.onInsert(slot, key, expiresAt);
    }
    this.#values[slot] = value;
    this.#tags[slot] = options.tags;
    this.#expires[slot] = expiresAt;
    this.#sizes[slot] = size;
    this.#evictIfOver();
  }

  delete(key: string): boolean {
    const slot = this.#slots.get(key);
    if (slot === undefined) return false;
    const fresh = this.#expires[slot]! > this.#now();
    this.#remove(slot);
    if (fresh) this.#counts.deletes++;
    else this.#counts.expirations++;
    return fresh;
  }

  clear(): void {
    this.#slots.clear();
    this.#keys.fill(undefined);
    this.#values.fill(undefined);
    this.#tags.fill(undefined);
    this.#free.length = 0;
    this.#used = 0;
    this.#bytes = 0;
    this.#policy.clear();
  }

  /**
   * Deletes every entry carrying one of `tags` and returns their keys. A scan of the held entries: tag
   * invalidation is rare next to reads, and the memory tier is bounded.
   */
  deleteTagged(tags: readonly string[]): string[] {
    const wanted = new Set(tags);
    const deleted: string[] = [];
    for (const [key, slot] of this.#slots) {
      if (this.#tags[slot]?.some((tag) => wanted.has(tag))) deleted.push(key);
    }
    for (const key of deleted) this.delete(key);
    return deleted;
  }

  /** The keys held and fresh, in no particular order. */
  keys(): string[] {
    const now = this.#now();
    const keys: string[] = [];
    for (const [key, slot] of this.#slots) if (this.#expires[slot]! > now) keys.push(key);
    return keys;
  }

  /** Entries held and fresh. */
  get size(): number {
    return this.keys().length;
  }

  stats(): MemoryStats {
    const { hits, misses } = this.#counts;
    return {
      name: this.#config.name,
      policy: this.#config.policy,
      size: this.size,
      capacity: this.#config.capacity,
      bytes: this.#bytes,
      maxBytes: this.#config.maxBytes,
      ...this.#counts,
      hitRatio: hits + misses === 0 ? 0 : hits / (hits + misses),
    };
  }

  /** The slot of `key` when it is held and fresh; an expired entry found here is removed. */
  #live(key: string): number | undefined {
    const slot = this.#slots.get(key);
    if (slot === undefined) return undefined;
    if (this.#expires[slot]! <= this.#now()) {
      this.#remove(slot);
      this.#counts.expirations++;
      return undefined;
    }
    return slot;
  }

  #evictIfOver(): void {
    const { capacity, maxBytes } = this.#config;
    while (this.#slots.size > capacity || (maxBytes !== undefined && this.#bytes > maxBytes)) {
      this.#remove(this.#policy.victim());
      this.#counts.evictions++;
    }
  }

  #remove(slot: number): void {
    this.#policy.onRemove(slot);
    this.#slots.delete(this.#keys[slot]!);
    this.#bytes -= this.#sizes[slot]!;
    this.#keys[slot] = undefined;
    this.#values[slot] = undefined;
    this.#tags[slot] = undefined;
    this.#free.push(slot);
  }
}
