import { PREFIX } from './errors.js';
import { TimerWheel } from './expiry.js';
import { seedFrom } from './hash.js';
import { KeyTable } from './key-table.js';
import type { Policy, PolicyContext, PolicyFactory } from './policies/policy.js';
import type { MemoryStats, StoreConfig } from './protocol.js';
import { sizeOf } from './size.js';

/** What `Store.get` returns for a key it does not hold; `undefined` is a value like any other. */
export const MISS: unique symbol = Symbol('tabcache.miss');

/**
 * Whether `value`, from `Store.get`, is MISS. Tests the type rather than `=== MISS`, because V8 compares values
 * of mixed types with a symbol through a generic call: on a get-or-put loop that cost a third of the throughput.
 * Exact, since the store never holds a symbol.
 */
export function isMiss(value: unknown): value is typeof MISS {
  return typeof value === 'symbol';
}

export interface StoreEntryOptions {
  /** Milliseconds to live; undefined falls back to the store's ttl, Infinity means never. */
  ttl?: number | undefined;
  tags?: readonly string[] | undefined;
  /** Bytes the value holds, when the caller knows better than the estimate. */
  size?: number | undefined;
  /** The entry must not be persisted; the store only remembers this for its owner (`memoryOnly`). */
  memoryOnly?: boolean | undefined;
}

const NO_OPTIONS: StoreEntryOptions = {};

/**
 * The entries of one cache in memory: keys, values, expiry times and sizes in numbered slots, ordered for
 * eviction by a policy. Synchronous and free of I/O, so that it can be tested and simulated anywhere.
 *
 * Expired entries are never returned. Entries with a ttl sit on a timer wheel, which reclaims them once
 * they fall due whenever an operation reads the clock; so `size` and `keys()` count what is held, with no
 * scan. Expiry has millisecond resolution: an entry expires at the first whole millisecond at or after its
 * time to live. While no entry has a ttl, nothing reads the clock, and a hit on an entry without one never
 * does.
 */
export class Store {
  readonly #config: StoreConfig;
  readonly #capacity: number;
  readonly #maxBytes: number;
  readonly #ttl: number;
  readonly #policy: Policy;
  readonly #now: () => number;
  readonly #keys: (string | undefined)[];
  readonly #table: KeyTable;
  readonly #values: unknown[];
  /** Made on the first put with tags: most caches never tag, and save the slot array. */
  #tags: (readonly string[] | undefined)[] | undefined;
  /** 1 for a slot put memory-only; made on the first such put, like `#tags`. */
  #memoryOnly: Uint8Array | undefined;
  readonly #sizes: Float64Array;
  readonly #free: Int32Array;
  /** The due times of entries with a ttl; made on the first such put, so a cache without ttls pays nothing. */
  #wheel: TimerWheel | undefined;
  #freeCount = 0;
  #used = 0;
  #bytes = 0;
  /**
   * The key the last read missed and its hash, until the next put: get-or-put then hashes and looks the key
   * up once, not twice. Only a put inserts, so the key stays absent until then.
   */
  #missed: string | undefined;
  #missedHash = 0;
  #hits = 0;
  #misses = 0;
  #puts = 0;
  #deletes = 0;
  #evictions = 0;
  #expirations = 0;

  constructor(
    config: StoreConfig,
    policy: PolicyFactory,
    now: () => number = Date.now,
    context: Partial<Pick<PolicyContext, 'random'>> = {},
  ) {
    this.#config = config;
    this.#capacity = config.capacity;
    this.#maxBytes = config.maxBytes ?? Infinity;
    this.#ttl = config.ttl ?? Infinity;
    this.#now = now;
    const slots = config.capacity + 1;
    this.#policy = policy({ ...context, capacity: config.capacity, now });
    this.#keys = new Array<string | undefined>(slots);
    this.#table = new KeyTable(slots, this.#keys, seedFrom(context.random));
    this.#values = new Array<unknown>(slots);
    this.#sizes = new Float64Array(slots);
    this.#free = new Int32Array(slots);
  }

  get config(): StoreConfig {
    return this.#config;
  }

  /** The value for `key`, or MISS. Counts a hit or a miss and tells the policy. */
  get(key: string): unknown {
    const hash = this.#table.hash(key);
    const slot = this.#table.find(key, hash);
    if (slot >= 0 && (this.#wheel === undefined || this.#fresh(slot))) {
      this.#hits++;
      this.#policy.onHit(slot);
      return this.#values[slot];
    }
    this.#misses++;
    this.#missed = key;
    this.#missedHash = hash;
    this.#policy.onMiss(key, hash);
    return MISS;
  }

  /** Whether `key` is held and fresh. Not a read: no hit, miss or policy update. */
  has(key: string): boolean {
    const slot = this.#find(key);
    return slot >= 0 && (this.#wheel === undefined || this.#fresh(slot));
  }

  /**
   * Tells the policy of a hit on `key` served elsewhere (from shared memory), so that eviction still sees it.
   * Counts nothing and reads no clock: the hit was counted where it was served.
   */
  touch(key: string): void {
    const slot = this.#find(key);
    if (slot >= 0) this.#policy.onHit(slot);
  }

  put(key: string, value: unknown, options: StoreEntryOptions = NO_OPTIONS): void {
    if (typeof value === 'symbol') throw new TypeError(`${PREFIX}the value for key ${JSON.stringify(key)} is a symbol, which cannot be cached`);
    const ttl = options.ttl ?? this.#ttl;
    const size = options.size ?? sizeOf(value) + key.length * 2;
    if (size > this.#maxBytes) {
      throw new RangeError(`${PREFIX}the value for key ${JSON.stringify(key)} takes ${size} bytes, more than maxBytes (${this.#maxBytes})`);
    }
    let expiresAt = Infinity;
    if (ttl !== Infinity || (this.#wheel !== undefined && this.#wheel.size > 0)) {
      const now = this.#now();
      this.#wheel ??= new TimerWheel(this.#capacity + 1);
      this.#wheel.advance(now, this.#expire);
      if (ttl !== Infinity) expiresAt = Math.ceil(now + ttl);
    }
    this.#puts++;
    const missed = key === this.#missed;
    const hash = missed ? this.#missedHash : this.#table.hash(key);
    let slot = missed ? -1 : this.#table.find(key, hash);
    this.#missed = undefined;
    if (slot >= 0) {
      this.#bytes += size - this.#sizes[slot]!;
      this.#policy.onUpdate(slot, expiresAt, ttl);
    } else {
      slot = this.#freeCount > 0 ? this.#free[--this.#freeCount]! : this.#used++;
      this.#keys[slot] = key;
      this.#table.insert(slot, hash);
      this.#bytes += size;
      this.#policy.onInsert(slot, key, expiresAt, ttl, hash);
    }
    this.#values[slot] = value;
    if (options.tags !== undefined || this.#tags !== undefined) {
      (this.#tags ??= new Array<readonly string[] | undefined>(this.#capacity + 1))[slot] = options.tags;
    }
    if (options.memoryOnly || this.#memoryOnly !== undefined) {
      (this.#memoryOnly ??= new Uint8Array(this.#capacity + 1))[slot] = options.memoryOnly ? 1 : 0;
    }
    this.#sizes[slot] = size;
    if (expiresAt !== Infinity) this.#wheel!.schedule(slot, expiresAt);
    else this.#wheel?.unschedule(slot);
    while (this.#table.size > this.#capacity || this.#bytes > this.#maxBytes) {
      this.#remove(this.#policy.victim());
      this.#evictions++;
    }
  }

  /** Whether the entry held under `key` was put with `memoryOnly`. */
  memoryOnly(key: string): boolean {
    if (this.#memoryOnly === undefined) return false;
    const slot = this.#find(key);
    return slot >= 0 && this.#memoryOnly[slot] === 1;
  }

  /** Removes `key`; true when a fresh entry was there. */
  delete(key: string): boolean {
    const slot = this.#find(key);
    if (slot < 0 || (this.#wheel !== undefined && !this.#fresh(slot))) return false;
    this.#remove(slot);
    this.#deletes++;
    return true;
  }

  clear(): void {
    this.#table.clear();
    this.#keys.fill(undefined);
    this.#values.fill(undefined);
    this.#tags?.fill(undefined);
    this.#memoryOnly?.fill(0);
    this.#freeCount = 0;
    this.#used = 0;
    this.#bytes = 0;
    this.#wheel?.clear();
    this.#policy.clear();
  }

  /**
   * Deletes every entry carrying one of `tags` and returns their keys. A scan of the held entries: tag
   * invalidation is rare next to reads, and the memory tier is bounded.
   */
  deleteTagged(tags: readonly string[]): string[] {
    this.#reclaim();
    const wanted = new Set(tags);
    const deleted: string[] = [];
    for (let slot = 0; slot < this.#used; slot++) {
      const key = this.#keys[slot];
      if (key !== undefined && this.#tags?.[slot]?.some((tag) => wanted.has(tag))) deleted.push(key);
    }
    for (const key of deleted) this.delete(key);
    return deleted;
  }

  /** The keys held and fresh, in no particular order. */
  keys(): string[] {
    this.#reclaim();
    return this.#keys.slice(0, this.#used).filter((key) => key !== undefined);
  }

  /** Entries held and fresh. O(1) amortised: expired entries are reclaimed off the timer wheel. */
  get size(): number {
    this.#reclaim();
    return this.#table.size;
  }

  stats(): MemoryStats {
    const hits = this.#hits;
    const misses = this.#misses;
    return {
      name: this.#config.name,
      policy: this.#config.policy,
      size: this.size,
      capacity: this.#config.capacity,
      bytes: this.#bytes,
      maxBytes: this.#config.maxBytes,
      hits,
      misses,
      puts: this.#puts,
      deletes: this.#deletes,
      evictions: this.#evictions,
      expirations: this.#expirations,
      hitRatio: hits + misses === 0 ? 0 : hits / (hits + misses),
    };
  }

  /** The slot of `key`, or -1. */
  #find(key: string): number {
    return this.#table.find(key, this.#table.hash(key));
  }

  /**
   * Whether the entry in `slot` is fresh. Reads the clock only when the entry has a ttl: then removes it if it
   * expired, and reclaims others that fell due.
   */
  #fresh(slot: number): boolean {
    const wheel = this.#wheel!;
    const due = wheel.dueOf(slot);
    if (due === Infinity) return true;
    const now = this.#now();
    const fresh = due > now;
    if (!fresh) this.#expire(slot);
    wheel.advance(now, this.#expire);
    return fresh;
  }

  /** Removes every entry that expired by now; reads the clock only while some entry has a ttl. */
  #reclaim(): void {
    if (this.#wheel !== undefined && this.#wheel.size > 0) this.#wheel.advance(this.#now(), this.#expire);
  }

  readonly #expire = (slot: number): void => {
    this.#remove(slot);
    this.#expirations++;
  };

  #remove(slot: number): void {
    this.#policy.onRemove(slot);
    this.#wheel?.unschedule(slot);
    this.#table.remove(slot);
    this.#bytes -= this.#sizes[slot]!;
    this.#keys[slot] = undefined;
    this.#values[slot] = undefined;
    if (this.#tags !== undefined) this.#tags[slot] = undefined;
    if (this.#memoryOnly !== undefined) this.#memoryOnly[slot] = 0;
    this.#free[this.#freeCount++] = slot;
  }
}
