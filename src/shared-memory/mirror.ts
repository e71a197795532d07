import { SHARED_BYTES_DEFAULT } from '../options.js';
import type { Policy, PolicyFactory } from '../policies/policy.js';
import type { FastPathStats, MemoryStats, StoreConfig } from '../protocol.js';
import type { Store } from '../store.js';
import { SharedTable } from './table.js';

/** How often the worker drains the hits pages recorded, when no request makes it do so sooner. */
const DRAIN_MS = 50;

/**
 * Keeps a worker's shared table in step with its store. Removals of every kind (delete, tag invalidation,
 * clear, expiry, eviction, another tab's change) reach the table through the policy, which the store tells
 * of each one; values reach it from the host after each put, which alone has them. Hits that pages served
 * from the table go back to the store's policy through the read buffer.
 */
export class Mirror {
  readonly #table: SharedTable | undefined;
  readonly #reason: string | undefined;
  #store: Store | undefined;
  #touched: (key: string) => void = () => {};

  constructor(config: StoreConfig) {
    const sharedBytes = config.sharedBytes ?? SHARED_BYTES_DEFAULT;
    if (sharedBytes === 0) {
      this.#reason = "option 'sharedBytes' is 0";
    } else if (typeof crossOriginIsolated === 'undefined' || !crossOriginIsolated) {
      this.#reason =
        'the page is not cross-origin isolated (serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)';
    } else if (typeof SharedArrayBuffer !== 'function') {
      // WebKitGTK, for one, isolates the page but gives it none.
      this.#reason = 'this browser has no SharedArrayBuffer, although the page is cross-origin isolated';
    } else {
      this.#table = new SharedTable(sharedBytes, config.capacity);
    }
  }

  /** The shared buffer, or undefined when the fast path is off. */
  get buffer(): SharedArrayBuffer | undefined {
    return this.#table?.buffer;
  }

  /** `factory`, wrapped so that every entry the store drops leaves the table too. */
  policy(factory: PolicyFactory): PolicyFactory {
    const table = this.#table;
    if (!table) return factory;
    return (context) => {
      const policy = factory(context);
      const keys = new Array<string | undefined>(context.capacity + 1);
      const mirrored: Policy = {
        onHit: (slot) => policy.onHit(slot),
        onMiss: (key, hash) => policy.onMiss(key, hash),
        onInsert: (slot, key, expiresAt, ttl, hash) => {
          keys[slot] = key;
          policy.onInsert(slot, key, expiresAt, ttl, hash);
        },
        onUpdate: (slot, expiresAt, ttl) => policy.onUpdate(slot, expiresAt, ttl),
        onRemove: (slot) => {
          const key = keys[slot];
          if (key !== undefined) table.delete(key);
          keys[slot] = undefined;
          policy.onRemove(slot);
        },
        victim: () => policy.victim(),
        clear: () => {
          keys.fill(undefined);
          table.clear();
          policy.clear();
        },
      };
      return mirrored;
    };
  }

  /**
   * Starts draining recorded hits into `store`'s policy, and into `touched` (the persisted tier's access
   * times), so that hits served from shared memory count everywhere a hit by message does.
   */
  attach(store: Store, touched: (key: string) => void = () => {}): void {
    this.#store = store;
    this.#touched = touched;
    if (this.#table) setInterval(() => this.drain(), DRAIN_MS);
  }

  /**
   * Mirrors what `store` now holds under `key` after a put of `value` expiring at `expiresAt` (wall-clock
   * milliseconds). Nothing when the store turned the entry away.
   */
  put(key: string, value: unknown, expiresAt: number): void {
    if (this.#table && this.#store?.has(key)) this.#table.set(key, value, expiresAt);
  }

  /** Hands the hits pages recorded to the policy. */
  drain(): void {
    const store = this.#store;
    if (this.#table && store) {
      this.#table.drain((key) => {
        store.touch(key);
        this.#touched(key);
      });
    }
  }

  /** `memory` with the fast path's hits added in, and the fast path's own stats. */
  report(memory: MemoryStats): MemoryStats & { fastPath: FastPathStats } {
    this.drain();
    const table = this.#table?.stats();
    const fastPath: FastPathStats = {
      active: table !== undefined,
      reason: this.#reason,
      hits: table?.hits ?? 0,
      entries: table?.entries ?? 0,
      bytes: table?.bytes ?? 0,
      sharedBytes: table?.sharedBytes ?? 0,
    };
    const hits = memory.hits + fastPath.hits;
    const reads = hits + memory.misses;
    return { ...memory, hits, hitRatio: reads === 0 ? 0 : hits / reads, fastPath };
  }
}
