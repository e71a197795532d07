import { checkKey, checkOptionsObject, checkPutOptions, checkTags, type PutOptions } from '../options.js';
import type { CacheStats, Request } from '../protocol.js';
import { ABSENT } from '../shared-memory/table-view.js';
import type { Connection } from './connection.js';
import { shareWithFrames, type ShareOptions } from './frames.js';
import type { LinkInfo } from './link.js';

/** What `stats()` returns: the worker's counters, and which worker serves this client. */
export type ClientStats = CacheStats & { link: LinkInfo };

/**
 * The page's handle on a cache. Every method but `peek` is a message to the worker that owns the entries;
 * the calls of one task travel together. On a cross-origin-isolated page, `get` answers hits from shared
 * memory with no message at all.
 */
export class TabCache<V = unknown> {
  readonly #connection: Connection;

  /** @internal Use `createCache`. */
  constructor(connection: Connection) {
    this.#connection = connection;
  }

  /** The cache's name: caches of one name share their entries across the tabs of an origin. */
  get name(): string {
    return this.#connection.config.name;
  }

  /** The value stored under `key`, or undefined when there is none (a stored `undefined` is a hit). */
  get(key: string): Promise<V | undefined> {
    const table = typeof key === 'string' ? this.#connection.table : undefined;
    if (table) {
      const value = table.read(key);
      if (value !== ABSENT) return Promise.resolve(value as V);
    }
    return this.#keyed({ op: 'get', key }) as Promise<V | undefined>;
  }

  /**
   * Stores `value` under `key`; resolves once the worker holds it, or with `{ durable: true }` once it is committed
   * to IndexedDB. `{ persist: false }` keeps the entry in this tab's memory only (see `PutOptions`).
   */
  put(key: string, value: V, options: PutOptions = {}): Promise<void> {
    try {
      checkKey(key);
      checkPutOptions(options);
    } catch (error) {
      return Promise.reject(error);
    }
    const { ttl, tags, persist, durable } = options;
    return this.#connection.send({ op: 'put', key, value, ttl, tags, ...(persist === false && { persist }), ...(durable && { durable }) }) as Promise<void>;
  }

  /** Whether a fresh entry is stored under `key`. Not counted as a read. */
  has(key: string): Promise<boolean> {
    return this.#keyed({ op: 'has', key }) as Promise<boolean>;
  }

  /** Removes the entry under `key`; resolves to whether there was one. */
  delete(key: string): Promise<boolean> {
    return this.#keyed({ op: 'delete', key }) as Promise<boolean>;
  }

  clear(): Promise<void> {
    return this.#connection.send({ op: 'clear' }) as Promise<void>;
  }

  /** Deletes every entry put with one of `tags`; resolves to how many there were. */
  invalidateTags(tags: readonly string[]): Promise<number> {
    try {
      checkTags(tags);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#connection.send({ op: 'invalidateTags', tags }) as Promise<number>;
  }

  keys(): Promise<string[]> {
    return this.#connection.send({ op: 'keys' }) as Promise<string[]>;
  }

  size(): Promise<number> {
    return this.#connection.send({ op: 'size' }) as Promise<number>;
  }

  /** The worker's counters, and which worker serves this client (`link`). */
  async stats(): Promise<ClientStats> {
    const stats = (await this.#connection.send({ op: 'stats' })) as CacheStats;
    return { ...stats, link: this.#connection.via ?? { kind: 'worker' } };
  }

  /**
   * Offers this cache to the page's frames: a frame that calls `connect({ name })` gets a port to this worker.
   * Same-origin frames only, unless `origins` lists others. Returns a function that stops offering.
   */
  share(options: ShareOptions = {}): () => void {
    checkOptionsObject(options, 'share');
    return shareWithFrames(this.#connection, options);
  }

  /**
   * Resolves once every earlier write is committed to IndexedDB, so that it survives a reload or a crash.
   * Never rejects for want of storage: an entry that cannot be written stays in memory and `stats()` counts
   * it (`persistence.memoryOnly`). Resolves at once when persistence is off or unavailable. The client also
   * asks for a flush whenever the page is hidden or left.
   */
  flush(): Promise<void> {
    return this.#connection.send({ op: 'flush' }) as Promise<void>;
  }

  /**
   * The value under `key` without waiting, from shared memory, or undefined: when there is none, when it has
   * expired, when the page is not cross-origin isolated, before the first call has started the worker, while
   * a write of this client is unanswered, and for entries the fast path does not mirror (see the README).
   * A hit counts for eviction like a `get`.
   */
  peek(key: string): V | undefined {
    checkKey(key);
    const value = this.#connection.table?.read(key);
    return value === ABSENT ? undefined : (value as V | undefined);
  }

  /** Lets earlier calls finish, then stops the worker. Later calls reject with a CacheClosedError. */
  close(): Promise<void> {
    return this.#connection.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #keyed(request: Request & { key: string }): Promise<unknown> {
    try {
      checkKey(request.key);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#connection.send(request);
  }
}
