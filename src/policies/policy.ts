// The contract between the store and an eviction policy. The store owns keys, values and expiry times in
// numbered slots; a policy only orders slots. Policies are pure and synchronous: no I/O, no timers, and
// time and randomness only through the injected context.

export interface PolicyContext {
  /** Most entries the store keeps. Slots run from 0 to `capacity` inclusive: one spare for admission. */
  readonly capacity: number;
  /** The store's clock, in milliseconds. */
  readonly now: () => number;
  /**
   * Uniform numbers in [0, 1), for policies that randomise (TinyLFU sometimes admits at random, against
   * hash flooding). Inject a seeded generator for reproducible runs; the store then seeds its key hashes from
   * it too. @default Math.random
   */
  readonly random?: () => number;
}

export interface Policy {
  /** A read found the entry in `slot`. */
  onHit(slot: number): void;
  /**
   * A read missed `key`, whose hash is `hash`. Policies that learn frequencies count it; the others ignore it.
   * The hash is the store's own, so a policy need not hash the key again: a signed 32-bit integer, seeded per
   * store, so it differs between stores and page loads and means nothing once stored or sent elsewhere.
   */
  onMiss(key: string, hash: number): void;
  /**
   * A new entry for `key` (whose hash is `hash`) now lives in `slot`, expiring at `expiresAt` after a time to
   * live of `ttl` milliseconds (both Infinity for never).
   */
  onInsert(slot: number, key: string, expiresAt: number, ttl: number, hash: number): void;
  /** The entry in `slot` got a new value, expiry time and time to live. */
  onUpdate(slot: number, expiresAt: number, ttl: number): void;
  /** The store dropped the entry in `slot` (deleted, expired or evicted); the slot may be reused. */
  onRemove(slot: number): void;
  /**
   * The slot to evict now that the store holds more than it may. It may be the entry just inserted, which is
   * how an admission policy turns a newcomer away. Called only while at least one entry is held; the store
   * removes the slot returned (and calls `onRemove`) before anything else.
   */
  victim(): number;
  /** Forgets every slot. */
  clear(): void;
}

export type PolicyFactory = (context: PolicyContext) => Policy;
