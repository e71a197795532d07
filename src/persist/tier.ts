import type { PersistConfig, PersistenceStats } from '../protocol.js';
import { commit, evictForQuota, housekeep } from './commit.js';
import { Connection } from './database.js';
import { generationOf, isEntryMeta, isEntryRecord, type Database, type EntryMeta } from './schema.js';
import { compareVersions, isWhole, type Version, type VersionClock } from './version.js';
import { Batch } from './writes.js';

/** How long reads may wait to have their access times written back when nothing else is being written. */
const TOUCH_DELAY = 2_000;
/**
 * How long a generation may stay unheard of before this tab stops waiting for it: its tab died between
 * committing and announcing. Announcements arrive in milliseconds; until then batches read old records.
 */
const GAP_TIMEOUT = 2_000;
/** How long writes are held, and flushes wait, for a database that is still opening, before they are given up. */
export const HOLD_LIMIT = 5_000;

/** An entry read from the tier; `expiresAt` is Infinity when it does not expire. */
export interface Found {
  value: unknown;
  meta: EntryMeta & { expiresAt: number };
}

/** What a committed batch changed, for the other tabs to drop their copies. */
export interface Committed {
  clear: boolean;
  tags: string[];
  keys: string[];
  /** The version of each key's put, at the same index; null for a delete. */
  versions: (Version | null)[];
  /** The generation the batch committed, or undefined when it was not committed. */
  gen: number | undefined;
}

export interface TierOptions {
  name: string;
  bounds: PersistConfig;
  clock: VersionClock;
  now: () => number;
  /** Puts that lost to a newer version written by another tab: the memory copy must go. */
  superseded(keys: string[]): void;
  /** A batch was committed (or, when the database is gone for good, dropped). */
  committed(change: Committed): void;
  warn?: (message: string) => void;
}

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
}

/**
 * The IndexedDB tier of one cache. Writes are queued, coalesced per key and committed in one readwrite
 * transaction per batch, one batch at a time: a batch starts as soon as the previous one is done, so a
 * burst of writes goes in a few large transactions. Reads go through what is queued, then IndexedDB.
 */
export class Tier {
  readonly #options: TierOptions;
  readonly #connection: Connection;
  readonly #warn: (message: string) => void;
  #queue = new Batch();
  #queueDone = deferred();
  #inflight: Batch | undefined;
  #inflightDone: Promise<void> | undefined;
  #running = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Set while writes are held for a database that is still opening; gives them up when it fires. */
  #holding: ReturnType<typeof setTimeout> | undefined;
  #timerDelay = 0;
  #counts = { entries: 0, bytes: 0, quotaFailures: 0, memoryOnly: 0, corrupt: 0, readThroughHits: 0 };
  #failureWarned = false;
  /**
   * The database generation up to which this tab has heard of every batch (its own and, by announcement,
   * other tabs'); undefined until read at the first batch. See `commit` for what it saves.
   */
  #knownGen: number | undefined;
  /** Generations heard of beyond `#knownGen`, out of order. */
  readonly #heard = new Set<number>();
  /** When the oldest gap below `#heard` was first seen. */
  #gapSince: number | undefined;

  constructor(options: TierOptions) {
    this.#options = options;
    this.#warn = options.warn ?? console.warn;
    this.#connection = new Connection(options.name, (db) => this.#learnGeneration(db), () => this.#kick(0), this.#warn);
    // Open now, so that the first read finds the database open or nearly.
    void this.#connection.get();
  }

  put(key: string, value: unknown, entry: { expiresAt: number; size: number; tags: readonly string[] }): void {
    const version = this.#options.clock.next();
    if (this.#knownGen === undefined) this.#queue.trusted = false;
    const meta: EntryMeta = { key, version, accessedAt: this.#now(), size: entry.size, tags: [...entry.tags] };
    // Whole milliseconds, as the schema wants; an expiry too far off to be one is none.
    const expiresAt = Math.ceil(entry.expiresAt);
    if (isWhole(expiresAt)) meta.expiresAt = expiresAt;
    this.#queue.put(meta, value);
    this.#kick(0);
  }

  delete(key: string): void {
    this.#queue.delete(key);
    this.#kick(0);
  }

  clear(): void {
    this.#queue.doClear();
    this.#kick(0);
  }

  invalidate(tags: readonly string[]): void {
    this.#queue.invalidate(tags);
    this.#kick(0);
  }

  /**
   * Another tab committed a batch. Puts still queued here that are older than its puts of the same keys
   * would lose anyway: they are dropped now, which is what lets later batches skip reading old records.
   */
  heard(change: Pick<Committed, 'keys' | 'versions' | 'gen'>): void {
    change.keys.forEach((key, i) => {
      const version = change.versions[i];
      if (!version) return;
      for (const batch of [this.#queue, this.#inflight]) {
        const write = batch?.writes.get(key);
        if (write?.kind === 'put' && compareVersions(write.meta.version, version) < 0) batch!.writes.delete(key);
      }
    });
    if (isWhole(change.gen)) this.#hear(change.gen);
  }

  /** Notes a read, to be written back to `accessedAt` with the next batch. */
  touch(key: string): void {
    this.#queue.touch(key, this.#now());
    this.#kick(TOUCH_DELAY);
  }

  /** The entry under `key`, if it is queued or stored and fresh. An expired or corrupt record is removed. */
  async read(key: string, withValue = true): Promise<Found | undefined> {
    const queued = this.#lookup(key);
    if (queued === 'gone') return undefined;
    if (queued) {
      if (withValue) this.touch(key);
      return found(queued.value, queued.meta);
    }
    // Invalidations queued now apply to what the read finds, even if they commit while it runs.
    const pendingTags = new Set([...this.#queue.tags, ...(this.#inflight?.tags ?? [])]);
    const db = await this.#connection.get();
    if (!db) return undefined;
    let record: unknown;
    try {
      record = await db.transaction('entries').store.get(key);
    } catch (error) {
      this.#failed(db, error);
      return undefined;
    }
    if (record === undefined) return undefined;
    if (!isEntryRecord(record, key)) {
      this.#counts.corrupt++;
      this.#queue.purge(key, isEntryMeta(record, key) ? record.version : undefined);
      this.#kick(0);
      return undefined;
    }
    const { value, ...meta } = record;
    this.#options.clock.observe(meta.version);
    if (meta.tags.some((tag) => pendingTags.has(tag))) return undefined;
    if ((meta.expiresAt ?? Infinity) <= this.#options.now()) {
      this.#queue.purge(key, meta.version);
      this.#kick(0);
      return undefined;
    }
    if (withValue) {
      this.#counts.readThroughHits++;
      this.touch(key);
    }
    return found(value, meta);
  }

  async has(key: string): Promise<boolean> {
    return (await this.read(key, false)) !== undefined;
  }

  /** The keys stored and fresh, once every earlier write is committed. */
  async keys(): Promise<string[]> {
    await this.flush();
    const db = await this.#connection.get();
    if (!db) return this.#queuedKeys();
    try {
      const tx = db.transaction('entries');
      const [all, expired] = await Promise.all([
        tx.store.getAllKeys(),
        tx.store.index('expiresAt').getAllKeys(IDBKeyRange.upperBound(this.#options.now())),
      ]);
      const gone = new Set(expired);
      return this.#strings(all).filter((key) => !gone.has(key));
    } catch (error) {
      this.#failed(db, error);
      return this.#queuedKeys();
    }
  }

  /** The keys stored with any of `tags`, once every earlier write is committed. */
  async tagged(tags: readonly string[]): Promise<string[]> {
    await this.flush();
    const db = await this.#connection.get();
    const keys = new Set<string>();
    for (const meta of this.#queue.puts()) if (meta.tags.some((tag) => tags.includes(tag))) keys.add(meta.key);
    if (!db) return [...keys];
    try {
      const tx = db.transaction('entries');
      const index = tx.store.index('tags');
      for (const found of await Promise.all(tags.map((tag) => index.getAllKeys(tag)))) for (const key of this.#strings(found)) keys.add(key);
    } catch (error) {
      this.#failed(db, error);
    }
    return [...keys];
  }

  /** Resolves once every write queued so far is committed, or has failed for good and been counted. */
  flush(): Promise<void> {
    if (this.#queue.empty) return this.#inflightDone ?? Promise.resolve();
    this.#kick(0);
    return this.#queueDone.promise;
  }

  stats(): PersistenceStats {
    const availability = this.#connection.availability;
    const { entries, bytes, quotaFailures, memoryOnly, corrupt, readThroughHits } = this.#counts;
    return {
      state: availability.state === 'unavailable' ? 'unavailable' : 'on',
      reason: availability.state === 'unavailable' ? availability.reason : undefined,
      entries,
      bytes,
      pending: this.#queue.size + (this.#inflight?.size ?? 0),
      quotaFailures,
      memoryOnly,
      corrupt,
      readThroughHits,
    };
  }

  #lookup(key: string): ReturnType<Batch['lookup']> {
    return this.#queue.lookup(key) ?? this.#inflight?.lookup(key);
  }

  /** The string keys among `keys`; the records under the others are damaged, and are counted and removed. */
  #strings(keys: IDBValidKey[]): string[] {
    const strings: string[] = [];
    for (const key of keys) {
      if (typeof key === 'string') {
        strings.push(key);
      } else {
        this.#counts.corrupt++;
        this.#queue.stray(key);
        this.#kick(0);
      }
    }
    return strings;
  }

  /** The clock in whole milliseconds, as the schema wants times. */
  #now(): number {
    return Math.floor(this.#options.now());
  }

  #queuedKeys(): string[] {
    return this.#queue.puts().map((meta) => meta.key);
  }

  /** Starts a batch after `delay` ms, unless one is running (it will take the queue next) or due sooner. */
  #kick(delay: number): void {
    if (this.#running) return;
    if (this.#timer !== undefined) {
      if (delay >= this.#timerDelay) return;
      clearTimeout(this.#timer);
    }
    this.#timerDelay = delay;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#drain();
    }, delay);
  }

  async #drain(): Promise<void> {
    this.#running = true;
    try {
      while (!this.#queue.empty) {
        const db = await this.#connection.get();
        if (!db) {
          this.#noDatabase();
          return;
        }
        clearTimeout(this.#holding);
        this.#holding = undefined;
        const batch = this.#queue;
        const done = this.#queueDone;
        this.#queue = new Batch();
        this.#queueDone = deferred();
        this.#inflight = batch;
        this.#inflightDone = done.promise;
        try {
          const committed = await this.#commit(db, batch);
          // What is expired or past the bounds goes in a transaction of its own, after the writes are durable.
          if (committed) await this.#housekeep(committed.db, committed.damaged);
        } finally {
          this.#inflight = undefined;
          this.#inflightDone = undefined;
          done.resolve();
        }
      }
    } finally {
      this.#running = false;
    }
  }

  /**
   * No database within the timeout. While it may still open (an old connection in another tab blocks it, say),
   * the queue is held for then, and flushes wait; but not for ever: past HOLD_LIMIT, or once it cannot open at
   * all, the queued writes are given up, stay in memory only, and flushes resolve.
   */
  #noDatabase(): void {
    if (this.#connection.failed) return this.#giveUpQueue();
    this.#holding ??= setTimeout(() => {
      this.#holding = undefined;
      if (!this.#running && this.#connection.availability.state !== 'open') this.#giveUpQueue();
    }, HOLD_LIMIT);
  }

  #giveUpQueue(): void {
    const done = this.#queueDone;
    const batch = this.#queue;
    this.#queueDone = deferred();
    this.#queue = new Batch();
    this.#counts.memoryOnly += batch.puts().length;
    this.#options.committed(announcement(batch, [], undefined));
    done.resolve();
  }

  /**
   * Commits `batch`, retrying as it can. Resolves to the connection it was committed on and whether the totals
   * it found must be counted afresh, or to undefined when it was given up.
   */
  async #commit(db: Database, batch: Batch): Promise<{ db: Database; damaged: boolean } | undefined> {
    let attempt: Batch = batch;
    for (let tries = 0; ; tries++) {
      try {
        const result = await commit(db, attempt, () => this.#knownGen);
        this.#hear(result.totals.gen);
        this.#counts.corrupt += result.corrupt;
        this.#counts.memoryOnly += result.uncloneable.length;
        if (result.superseded.length > 0) this.#options.superseded(result.superseded);
        this.#options.committed(announcement(batch, result.superseded, result.totals.gen));
        return { db, damaged: result.damaged };
      } catch (error) {
        if (tries >= 2) {
          this.#giveUp(batch, attempt, error);
          return;
        }
        if (errorName(error) === 'QuotaExceededError') {
          if (tries === 0) {
            this.#counts.quotaFailures++;
            // Make room by the least recently used entries, twice what the batch needs, then try again.
            const needed = attempt.puts().reduce((sum, meta) => sum + meta.size, 0);
            this.#counts.corrupt += await evictForQuota(db, needed * 2).catch(() => 0);
          } else {
            // Still no room: the puts stay in memory only; the deletes and invalidations must still go.
            this.#counts.memoryOnly += attempt.puts().length;
            attempt = attempt.withoutPuts();
          }
        } else {
          // Most likely the browser closed the connection: open a new one and try again.
          this.#connection.drop(db);
          const again = await this.#connection.get();
          if (!again) {
            this.#giveUp(batch, attempt, error);
            return;
          }
          db = again;
        }
      }
    }
  }

  async #housekeep(db: Database, damaged: boolean): Promise<void> {
    try {
      const { totals, corrupt } = await housekeep(db, this.#options.bounds, this.#options.now(), damaged);
      this.#counts.entries = totals.count;
      this.#counts.bytes = totals.bytes;
      this.#counts.corrupt += corrupt;
    } catch (error) {
      // Nothing was removed; the next batch tries again.
      this.#failed(db, error);
    }
  }

  /** `attempt` is what was last tried: the batch, or the batch without its puts (already counted). */
  #giveUp(batch: Batch, attempt: Batch, error: unknown): void {
    this.#counts.memoryOnly += attempt.puts().length;
    this.#options.committed(announcement(batch, [], undefined));
    if (!this.#failureWarned) {
      this.#failureWarned = true;
      this.#warn(`tabcache: a batch of writes to IndexedDB failed; its entries stay in memory only: ${errorName(error)}: ${String((error as Error)?.message ?? error)}`);
    }
  }

  /**
   * Reads the database's generation when a connection opens, before any batch, and fences the clock: puts
   * made from now on are newer than every record there.
   */
  async #learnGeneration(db: Database): Promise<void> {
    if (this.#knownGen !== undefined) return;
    this.#knownGen = generationOf(await db.transaction('info').store.get('totals'));
    this.#options.clock.fence();
    this.#advance();
  }

  #hear(gen: number): void {
    this.#heard.add(gen);
    this.#advance();
  }

  #advance(): void {
    if (this.#knownGen === undefined) return;
    for (const gen of this.#heard) if (gen <= this.#knownGen) this.#heard.delete(gen);
    while (this.#heard.delete(this.#knownGen + 1)) this.#knownGen++;
    if (this.#heard.size === 0) {
      this.#gapSince = undefined;
      return;
    }
    const now = this.#options.now();
    this.#gapSince ??= now;
    if (now - this.#gapSince > GAP_TIMEOUT) {
      this.#knownGen = Math.min(...this.#heard) - 1;
      this.#gapSince = undefined;
      this.#advance();
    }
  }

  #failed(db: Database, error: unknown): void {
    if (errorName(error) === 'InvalidStateError') this.#connection.drop(db);
  }
}

function found(value: unknown, meta: EntryMeta): Found {
  return { value, meta: { ...meta, expiresAt: meta.expiresAt ?? Infinity } };
}

function announcement(batch: Batch, superseded: readonly string[], gen: number | undefined): Committed {
  const lost = new Set(superseded);
  const keys: string[] = [];
  const versions: (Version | null)[] = [];
  for (const [key, write] of batch.writes) {
    if (write.kind === 'purge' || lost.has(key)) continue;
    keys.push(key);
    versions.push(write.kind === 'put' ? write.meta.version : null);
  }
  return { clear: batch.clear, tags: [...batch.tags], keys, versions, gen };
}

function errorName(error: unknown): string {
  return typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : 'Error';
}

function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
