// The wire contract between a client and the worker that owns the cache. Types only: both sides import
// it, and nothing here exists at run time.

/** The built-in eviction policies. A worker of your own can register more through `serve({ policies })`. */
export type BuiltinPolicy = 'lru' | 'lfu' | 'ttl' | 'lru-ttl' | 'tinylfu';

/** A policy name: a built-in one, or one registered by a worker of your own. */
export type PolicyName = BuiltinPolicy | (string & {});

/** What the worker needs to build its store; the page-only options (worker, persist callbacks) stay behind. */
export interface StoreConfig {
  name: string;
  policy: PolicyName;
  capacity: number;
  maxBytes: number | undefined;
  ttl: number | undefined;
  /** The IndexedDB tier's bounds, or false to keep entries in memory only. Undefined means the defaults. */
  persist?: PersistConfig | false;
  /** Bytes of the SharedArrayBuffer that mirrors entries on cross-origin-isolated pages; 0 for none. Undefined means the default. */
  sharedBytes?: number;
}

/** Bounds of the IndexedDB tier; the least recently used entries go first when it is over either. */
export interface PersistConfig {
  maxEntries: number;
  maxBytes: number;
}

/** One operation. Operations issued in the same task travel together in one message, in order. */
export type Request =
  | { op: 'get'; key: string }
  | {
      op: 'put';
      key: string;
      value: unknown;
      ttl: number | undefined;
      tags: readonly string[] | undefined;
      /** Present only to keep the entry in the worker's memory alone, out of IndexedDB. */
      persist?: false;
      /** Present only to be answered once the entry is committed to IndexedDB. */
      durable?: true;
    }
  | { op: 'has'; key: string }
  | { op: 'delete'; key: string }
  | { op: 'clear' }
  | { op: 'invalidateTags'; tags: readonly string[] }
  | { op: 'keys' }
  | { op: 'size' }
  | { op: 'stats' }
  | { op: 'flush' };

export type Op = Request['op'];

/** An error as it crosses the boundary: the receiving side rebuilds it with the same name and message. */
export interface WireError {
  name: string;
  message: string;
}

/** The answer to one request, at the same index of the batch. */
export type Reply = { ok: true; value: unknown } | { ok: false; error: WireError };

/** Counters and sizes of one cache, as `cache.stats()` returns them. */
export interface CacheStats extends MemoryStats {
  persistence: PersistenceStats;
  fastPath: FastPathStats;
}

/**
 * The shared-memory fast path's part of the stats. Its hits are counted in `hits` and `hitRatio` too; they
 * are counted in shared memory by every client of the worker, so they are exact.
 */
export interface FastPathStats {
  /** Whether the worker mirrors entries into shared memory, so that hits need no message. */
  active: boolean;
  /** Why the fast path is off; undefined when it is on. */
  reason: string | undefined;
  /** Hits served from shared memory. */
  hits: number;
  /** Entries mirrored now: those that fit in the buffer and that the codec takes. */
  entries: number;
  /** Bytes of the buffer's arena that those entries take. */
  bytes: number;
  /** Size of the shared buffer; 0 when the fast path is off. */
  sharedBytes: number;
}

/** The memory tier's part of the stats. */
export interface MemoryStats {
  name: string;
  policy: PolicyName;
  /** Entries held in memory now. */
  size: number;
  capacity: number;
  /** Estimated bytes held in memory now. */
  bytes: number;
  maxBytes: number | undefined;
  hits: number;
  misses: number;
  /** hits / (hits + misses), 0 before the first read. */
  hitRatio: number;
  puts: number;
  deletes: number;
  /** Entries removed to make room. */
  evictions: number;
  /** Entries removed because their time to live ran out. */
  expirations: number;
}

/** The IndexedDB tier's part of the stats. */
export interface PersistenceStats {
  /** 'on' when entries are written to IndexedDB; 'off' when `persist: false`; 'unavailable' when it cannot be used. */
  state: 'on' | 'off' | 'unavailable';
  /** Why persistence is unavailable; undefined otherwise. */
  reason: string | undefined;
  /** Entries and estimated bytes in IndexedDB, as of the last committed batch (0 before the first). */
  entries: number;
  bytes: number;
  /** Writes held by the worker and not yet committed. */
  pending: number;
  /** Batches that ran out of storage quota at least once. */
  quotaFailures: number;
  /** Puts that live in memory only: no quota left, a value IndexedDB cannot clone, a failed batch, or no usable database. */
  memoryOnly: number;
  /** Records found in IndexedDB that did not match the schema: skipped, removed and counted here. */
  corrupt: number;
  /** Memory misses answered from IndexedDB. */
  readThroughHits: number;
}

/** The answer to `open`. */
export interface OpenReply {
  /** The worker's wire version (src/wire.ts), which the client checks against its own. */
  wire: number;
  /** The shared table (src/shared-memory) to read hits from; only for a client that said it can share memory. */
  shared?: SharedArrayBuffer;
}

/**
 * A batch on its way to the worker. Batches travel on the endpoint that carries the comlink calls, as plain
 * messages that comlink ignores: a comlink call costs a random id and a listener per call, which would add
 * a third to a round trip. Each client names itself with a random `client` id, since several clients may
 * share one endpoint and see each other's answers, and numbers its batches; the worker answers each batch
 * with both, in order.
 */
export interface BatchMessage {
  client: string;
  batch: number;
  requests: readonly Request[];
}

/** The answer to a batch: a reply per request, or one error for all when the replies could not be sent. */
export type BatchAnswer =
  | { client: string; batch: number; replies: Reply[] }
  | { client: string; batch: number; error: WireError };

/**
 * What the page hands a frame along with its port, since a frame's port carries batches and nothing else: the
 * worker's wire version, and for a frame of the page's own origin, the Web Lock the worker holds for life and
 * the shared table.
 */
export interface PortOffer {
  wire: number;
  aliveLock?: string;
  shared?: SharedArrayBuffer;
}

/**
 * What the worker exposes over comlink, to the page that started it and to no one else: the set-up calls.
 */
export interface WorkerApi {
  /**
   * Builds the store (or checks that the one already built matches), and holds the Web Lock named
   * `aliveLock` for the worker's whole life so that a client can tell when it dies. A client that is
   * cross-origin isolated says so with `canShare`, and gets the shared table when the worker has one. Refuses,
   * with a `VersionMismatchError`, a client whose `wire` version is not the worker's.
   */
  open(config: StoreConfig, aliveLock: string, canShare: boolean, wire: number): Promise<OpenReply>;
  /**
   * Serves batches on `port`, which the page hands to a frame of `origin`. Nothing but batches: each message is
   * checked by shape before it runs, and anything else is dropped with one warning per origin.
   */
  attach(port: MessagePort, origin: string): void;
}
