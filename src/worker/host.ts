import { expose, type Endpoint } from 'comlink';
import { PREFIX, toWire, valueError } from '../errors.js';
import { validateStoreConfig } from '../options.js';
import { Tier } from '../persist/tier.js';
import { VersionClock } from '../persist/version.js';
import type { PolicyFactory } from '../policies/policy.js';
import type { BatchAnswer, CacheStats, OpenReply, Reply, Request, StoreConfig, WorkerApi } from '../protocol.js';
import { Mirror } from '../shared-memory/mirror.js';
import { sizeOf } from '../size.js';
import { isMiss, Store } from '../store.js';
import { checkWire, WIRE_VERSION } from '../wire.js';
import { Coherence, type Announcement } from './coherence.js';
import { checkRequest, parseBatch } from './parse.js';

export interface HostOptions {
  policies: Record<string, PolicyFactory>;
  /** Wall-clock milliseconds: expiry times are persisted and compared across tabs and reloads. */
  now: () => number;
}

/** The store of one cache and what keeps it: the IndexedDB tier (when persisting) and the other tabs. */
interface Cache {
  store: Store;
  tier: Tier | undefined;
  coherence: Coherence;
  /** The shared-memory copy of the store that cross-origin-isolated pages read hits from. */
  mirror: Mirror;
}

/**
 * The worker side of the protocol: one store, built by the first `open`, serving every client connected to
 * this worker, with an IndexedDB tier behind it. Batches run one after another and the requests of a batch
 * in order, so that every call sees the calls made before it; each request is answered on its own, so one
 * bad request fails alone.
 */
export class Host {
  readonly #options: HostOptions;
  #cache: Cache | undefined;
  #tail: Promise<unknown> = Promise.resolve();
  /** Reads through to IndexedDB under way, by key; another tab's change marks them stale, so none is promoted. */
  readonly #reads = new Map<string, { stale: boolean }>();
  /** Origins of frames that have sent something other than a batch: each is warned of once. */
  readonly #warned = new Set<string>();

  constructor(options: HostOptions) {
    this.#options = options;
  }

  /** `wire` is missing when the client is from a build before the version check. */
  async open(config: StoreConfig, aliveLock: string, canShare: boolean, wire?: number): Promise<OpenReply> {
    checkWire(wire, 'client');
    const names = Object.keys(this.#options.policies);
    const checked = validateStoreConfig(config, names);
    const factory = this.#options.policies[checked.policy]!;
    if (this.#cache === undefined) {
      this.#cache = this.#reserve(checked, factory);
    } else if (this.#cache.store.config.name !== checked.name) {
      throw new TypeError(`${PREFIX}this worker serves cache '${this.#cache.store.config.name}', not '${checked.name}'`);
    }
    await holdUntilDeath(aliveLock);
    const shared = canShare ? this.#cache.mirror.buffer : undefined;
    return { wire: WIRE_VERSION, ...(shared && { shared }) };
  }

  /**
   * Answers the page that started this worker on `endpoint`: comlink's set-up calls, and the batches that come
   * as plain messages beside them. Only `open` and `attach` are exposed, never the host itself.
   */
  serve(endpoint: Endpoint): void {
    const api: WorkerApi = {
      open: (config, aliveLock, canShare, wire) => this.open(config, aliveLock, canShare, wire),
      attach: (port, origin) => this.attach(port, origin),
    };
    expose(api, endpoint);
    // comlink's messages arrive here too: anything that is not a batch is theirs.
    this.#answer(endpoint, () => {});
  }

  /** Serves batches, and nothing else, on a port that the page hands to a frame of `origin`. */
  attach(port: MessagePort, origin: string): void {
    this.#answer(port, (reason) => {
      if (this.#warned.has(origin)) return;
      this.#warned.add(origin);
      console.warn(`${PREFIX}a frame of ${origin} sent ${reason}; it was dropped, as is anything else from that origin that is not a batch`);
    });
    port.start();
  }

  /** Runs each batch that arrives on `endpoint` and posts its answer back; `dropped` hears of anything else. */
  #answer(endpoint: Endpoint, dropped: (reason: string) => void): void {
    endpoint.addEventListener('message', (event) => {
      const message = parseBatch((event as MessageEvent<unknown>).data);
      if (typeof message === 'string') return dropped(message);
      const { client, batch } = message;
      const answer = (data: BatchAnswer) => endpoint.postMessage(data);
      void this.#run(message.requests).then(
        (replies) => {
          try {
            answer({ client, batch, replies });
          } catch (error) {
            answer({ client, batch, error: toWire(error) });
          }
        },
        (error: unknown) => answer({ client, batch, error: toWire(error) }),
      );
    });
  }

  /**
   * Runs a batch after every earlier one, from any client. A wait for IndexedDB to commit (a flush, a durable
   * put) holds up its own batch's answer but not the batches after it, so that reads go on meanwhile.
   */
  #run(batch: readonly unknown[]): Promise<Reply[]> {
    const replies = this.#tail.then(() => this.#runNow(batch));
    this.#tail = replies.catch(() => {});
    return replies.then((settling) => Promise.all(settling));
  }

  /** Builds the cache, naming the capacity when the memory for its slots cannot be had. */
  #reserve(config: StoreConfig, factory: PolicyFactory): Cache {
    try {
      return this.#build(config, factory);
    } catch (error) {
      if (!(error instanceof RangeError) || error.message.startsWith(PREFIX)) throw error;
      throw new RangeError(`${PREFIX}cache '${config.name}': the memory for ${config.capacity} entries could not be had (${error.message}); lower 'capacity'`, { cause: error });
    }
  }

  #build(config: StoreConfig, factory: PolicyFactory): Cache {
    const { now } = this.#options;
    const mirror = new Mirror(config);
    const store = new Store(config, mirror.policy(factory), now);
    const tab = randomId();
    const clock = new VersionClock(tab, now);
    const coherence = new Coherence(config.name, tab, (announcement) => this.#onRemote(announcement, clock, tier));
    const tier: Tier | undefined = config.persist
      ? new Tier({
          name: config.name,
          bounds: config.persist,
          clock,
          now,
          superseded: (keys) => {
            for (const key of keys) store.delete(key);
          },
          committed: (change) => coherence.announce(change),
        })
      : undefined;
    // An access time written back would put the key of a memory-only entry in IndexedDB.
    mirror.attach(store, (key) => {
      if (!store.memoryOnly(key)) tier?.touch(key);
    });
    return { store, tier, coherence, mirror };
  }

  async #runNow(batch: readonly unknown[]): Promise<(Reply | Promise<Reply>)[]> {
    const replies: (Reply | Promise<Reply>)[] = [];
    // Hits served from shared memory count before anything this batch may evict.
    this.#cache?.mirror.drain();
    for (const request of batch) {
      try {
        checkRequest(request);
        let value = this.#handle(request);
        if (value instanceof Committing) {
          replies.push(value.committed.then((value) => ({ ok: true, value }), (error: unknown) => ({ ok: false, error: toWire(error) })));
          continue;
        }
        if (value instanceof Promise) value = await value;
        replies.push({ ok: true, value });
      } catch (error) {
        replies.push({ ok: false, error: toWire(error) });
      }
    }
    return replies;
  }

  /** Answers at once where memory suffices, with a promise where IndexedDB must be asked. */
  #handle(request: Request): unknown {
    const cache = this.#cache;
    if (cache === undefined) throw new Error(`${PREFIX}the worker got '${request.op}' before 'open'`);
    const { store, tier, coherence } = cache;
    switch (request.op) {
      case 'get': {
        const value = store.get(request.key);
        if (!isMiss(value)) {
          if (!store.memoryOnly(request.key)) tier?.touch(request.key);
          return value;
        }
        return tier ? this.#readThrough(cache, tier, request.key) : undefined;
      }
      case 'put': {
        const { key, value, tags } = request;
        const memoryOnly = request.persist === false;
        let size: number;
        try {
          size = sizeOf(value) + key.length * 2;
        } catch (error) {
          // Shared memory, or a value nested deeper than the worker's stack (Firefox clones what it cannot walk).
          throw valueError(key, error);
        }
        // Read before the store reads it, so that the copies never outlive the store's entry.
        const ttl = request.ttl ?? store.config.ttl;
        const expiresAt = ttl === undefined || ttl === Infinity ? Infinity : this.#options.now() + ttl;
        store.put(key, value, { ttl: request.ttl, tags, size, memoryOnly });
        cache.mirror.put(key, value, expiresAt);
        if (tier && memoryOnly) {
          // An older copy in IndexedDB would be served after a reload; its delete tells the other tabs.
          tier.delete(key);
        } else if (tier) {
          tier.put(key, value, { expiresAt, size, tags: tags ?? [] });
          if (request.durable) return new Committing(tier.flush());
        } else {
          coherence.announce({ keys: [key] });
        }
        return undefined;
      }
      case 'has':
        return store.has(request.key) || (tier ? tier.has(request.key) : false);
      case 'delete': {
        const held = store.delete(request.key);
        if (!tier) {
          coherence.announce({ keys: [request.key] });
          return held;
        }
        if (held) {
          tier.delete(request.key);
          return true;
        }
        return tier.has(request.key).then((stored) => {
          tier.delete(request.key);
          return stored;
        });
      }
      case 'clear':
        store.clear();
        if (tier) tier.clear();
        else coherence.announce({ clear: true });
        return undefined;
      case 'invalidateTags': {
        const { tags } = request;
        const held = store.deleteTagged(tags);
        if (!tier) {
          coherence.announce({ tags: [...tags] });
          return held.length;
        }
        return tier.tagged(tags).then((stored) => {
          tier.invalidate(tags);
          return new Set([...held, ...stored]).size;
        });
      }
      case 'keys':
        return tier ? this.#allKeys(store, tier) : store.keys();
      case 'size':
        return tier ? this.#allKeys(store, tier).then((keys) => keys.length) : store.size;
      case 'stats':
        return this.#stats(cache);
      case 'flush':
        return new Committing(tier?.flush());
    }
  }

  /** A memory miss: ask IndexedDB, and keep what it has in memory unless another tab changed it meanwhile. */
  async #readThrough({ store, mirror }: Cache, tier: Tier, key: string): Promise<unknown> {
    const mark = { stale: false };
    this.#reads.set(key, mark);
    let found;
    try {
      found = await tier.read(key);
    } finally {
      if (this.#reads.get(key) === mark) this.#reads.delete(key);
    }
    if (found === undefined) return undefined;
    if (!mark.stale) {
      const { expiresAt, tags, size } = found.meta;
      try {
        store.put(key, found.value, { ttl: expiresAt === Infinity ? Infinity : expiresAt - this.#options.now(), tags, size });
        mirror.put(key, found.value, expiresAt);
      } catch {
        // Larger than the memory tier's maxBytes: served from IndexedDB every time.
      }
    }
    return found.value;
  }

  async #allKeys(store: Store, tier: Tier): Promise<string[]> {
    const keys = new Set(store.keys());
    for (const key of await tier.keys()) keys.add(key);
    return [...keys];
  }

  #stats({ store, tier, mirror }: Cache): CacheStats {
    const persistence = tier?.stats() ?? {
      state: 'off',
      reason: undefined,
      entries: 0,
      bytes: 0,
      pending: 0,
      quotaFailures: 0,
      memoryOnly: 0,
      corrupt: 0,
      readThroughHits: 0,
    };
    return { ...mirror.report(store.stats()), persistence };
  }

  /** Another tab changed the cache: drop the copies it replaced or removed; IndexedDB has the new state. */
  #onRemote(announcement: Announcement, clock: VersionClock, tier: Tier | undefined): void {
    const store = this.#cache?.store;
    if (!store) return;
    for (const version of announcement.versions) if (version) clock.observe(version);
    tier?.heard(announcement);
    if (announcement.clear || announcement.tags.length > 0) {
      for (const mark of this.#reads.values()) mark.stale = true;
    }
    if (announcement.clear) store.clear();
    if (announcement.tags.length > 0) store.deleteTagged(announcement.tags);
    for (const key of announcement.keys) {
      const mark = this.#reads.get(key);
      if (mark) mark.stale = true;
      store.delete(key);
    }
  }
}

/** An answer that waits for IndexedDB to commit: later calls need not wait for it, since they cannot change it. */
class Committing {
  constructor(readonly committed: Promise<unknown> = Promise.resolve()) {}
}

/**
 * Takes the Web Lock `name` and never lets it go, so the lock is released exactly when this worker dies; a
 * client waiting for the same lock learns of the death. Resolves once the lock is held.
 */
function holdUntilDeath(name: string): Promise<void> {
  if (typeof navigator === 'undefined' || !navigator.locks) return Promise.resolve();
  return new Promise<void>((held) => {
    void navigator.locks.request(name, () => {
      held();
      return new Promise<never>(() => {});
    });
  });
}

function randomId(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}
