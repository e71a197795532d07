import type { EntryMeta } from './schema.js';

/** A write waiting for its batch. Only the last one per key is kept: that is the coalescing. */
export type PendingWrite =
  | { kind: 'put'; meta: EntryMeta; value: unknown }
  | { kind: 'delete' }
  /** Removes the record only if it still has this version: the expired or corrupt one a read found. */
  | { kind: 'purge'; version: EntryMeta['version'] | undefined };

/**
 * Everything one readwrite transaction commits, applied in this order: `clear`, then the tag invalidations,
 * then the writes by key, then the access times. That order is the order the calls were made in, because a
 * clear or an invalidation drops the earlier writes it covers as it is queued.
 */
export class Batch {
  /** False when a put of the batch got its version before the tab knew the database's generation. */
  trusted = true;
  clear = false;
  readonly tags = new Set<string>();
  readonly writes = new Map<string, PendingWrite>();
  /** Wall-clock time of the latest read of each key, written back to `accessedAt`. */
  readonly touches = new Map<string, number>();
  /** Keys of records to remove that are not strings, as no key of this build is: found damaged, and counted. */
  readonly strays: IDBValidKey[] = [];

  /** Nothing to commit, not even access times. */
  get empty(): boolean {
    return this.size === 0 && this.touches.size === 0;
  }

  get size(): number {
    return this.writes.size + this.tags.size + this.strays.length + (this.clear ? 1 : 0);
  }

  put(meta: EntryMeta, value: unknown): void {
    this.writes.set(meta.key, { kind: 'put', meta, value });
  }

  delete(key: string): void {
    this.writes.set(key, { kind: 'delete' });
  }

  purge(key: string, version: EntryMeta['version'] | undefined): void {
    if (!this.writes.has(key)) this.writes.set(key, { kind: 'purge', version });
  }

  stray(key: IDBValidKey): void {
    this.strays.push(key);
  }

  touch(key: string, at: number): void {
    const write = this.writes.get(key);
    if (write?.kind === 'put') write.meta.accessedAt = at;
    else this.touches.set(key, at);
  }

  doClear(): void {
    this.clear = true;
    this.tags.clear();
    this.writes.clear();
    this.touches.clear();
  }

  invalidate(tags: readonly string[]): void {
    const wanted = new Set(tags);
    for (const tag of tags) this.tags.add(tag);
    for (const [key, write] of this.writes) {
      if (write.kind === 'put' && write.meta.tags.some((tag) => wanted.has(tag))) this.writes.delete(key);
    }
  }

  /**
   * What this batch says about `key` before IndexedDB is asked: the put waiting for it, 'gone' when a
   * delete, a clear or (given the tags of the stored record) an invalidation removes it, or undefined.
   */
  lookup(key: string, storedTags?: readonly string[]): { meta: EntryMeta; value: unknown } | 'gone' | undefined {
    const write = this.writes.get(key);
    if (write?.kind === 'put') return write;
    if (write !== undefined || this.clear) return 'gone';
    if (storedTags?.some((tag) => this.tags.has(tag))) return 'gone';
    return undefined;
  }

  /** The puts of the batch, for when they cannot be written. */
  puts(): EntryMeta[] {
    const metas: EntryMeta[] = [];
    for (const write of this.writes.values()) if (write.kind === 'put') metas.push(write.meta);
    return metas;
  }

  /** A copy without the puts: what is retried when the puts cannot fit in the quota. */
  withoutPuts(): Batch {
    const batch = new Batch();
    batch.clear = this.clear;
    for (const tag of this.tags) batch.tags.add(tag);
    for (const [key, write] of this.writes) if (write.kind !== 'put') batch.writes.set(key, write);
    batch.strays.push(...this.strays);
    return batch;
  }
}
