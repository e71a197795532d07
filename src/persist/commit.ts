import { unwrap, type IDBPTransaction } from 'idb';
import type { PersistConfig } from '../protocol.js';
import { isEntryMeta, STORES, type CacheDB, type Database, type StoreName, type Totals } from './schema.js';
import { compareVersions } from './version.js';
import type { Batch } from './writes.js';

type Tx = IDBPTransaction<CacheDB, StoreName[], 'readwrite' | 'readonly'>;
type WriteTx = IDBPTransaction<CacheDB, StoreName[], 'readwrite'>;

/** Expired records removed by one batch at most, so that a batch stays short after a long absence. */
const SWEEP_LIMIT = 500;
/** Past a bound, evict down to this share of it, so that the next batches do not have to count again. */
const HEADROOM = 0.9;

export interface CommitResult {
  /** Keys whose put lost to a newer version already stored by another tab. */
  superseded: string[];
  /** Keys whose put could not be cloned into IndexedDB: they stay in memory only. */
  uncloneable: string[];
  /** Records that did not match the schema, found and replaced or removed. */
  corrupt: number;
  /** The totals after the batch, with its generation. */
  totals: Totals;
  /** The generation the batch started from. */
  base: number;
}

/**
 * Commits a batch in one readwrite transaction, then removes expired records and, past the bounds, the least
 * recently used ones. Resolves once the transaction completes; rejects (nothing written) if it aborts.
 *
 * A put writes one record (metadata and value) and reads nothing. It must not overwrite a record with a
 * newer version, but reading every old record first would double the cost of a batch, so it is read only
 * when this tab may not know the latest writes: when the stored generation is not `knownGen` (a batch of
 * another tab that this tab has not yet heard announced) or when `batch.trusted` is false. Otherwise every
 * record was written either before this tab's versions began or by a batch it heard of, whose newer puts it
 * already took out of its queue; so its puts are newer.
 */
export async function commit(db: Database, batch: Batch, bounds: PersistConfig, now: number, knownGen: () => number | undefined): Promise<CommitResult> {
  const tx = db.transaction(STORES, 'readwrite');
  try {
    const totals = await readTotals(tx);
    const result: CommitResult = { superseded: [], uncloneable: [], corrupt: 0, totals, base: totals.gen };
    const trusted = batch.trusted && knownGen() === totals.gen;
    // What the tab took out of the batch when it heard of newer puts counts up to here, and no further.
    const writes = [...batch.writes];
    const entries = tx.objectStore('entries');
    const touches = tx.objectStore('touches');
    // The puts and access times of a batch are most of its requests: issued raw, without a promise each.
    const rawEntries = unwrap(entries);
    const rawTouches = unwrap(touches);
    const remove = (size: number, key: string) => {
      ignore(entries.delete(key));
      ignore(touches.delete(key));
      totals.count--;
      totals.bytes -= size;
    };

    if (batch.clear) {
      ignore(entries.clear());
      ignore(touches.clear());
      totals.count = 0;
      totals.bytes = 0;
    }
    const invalidated = new Set<string>();
    for (const tag of batch.tags) {
      for (const record of await entries.index('tags').getAll(tag)) {
        if (invalidated.has(record.key)) continue;
        invalidated.add(record.key);
        remove(isEntryMeta(record, record.key) ? record.size : 0, record.key);
      }
    }

    const read = ([key, write]: (typeof writes)[number]) => !invalidated.has(key) && (!trusted || write.kind !== 'put');
    const stored = await Promise.all(writes.map((write) => (read(write) ? entries.get(write[0]) : undefined)));
    writes.forEach(([key, write], i) => {
      const record = stored[i];
      const old = isEntryMeta(record, key) ? record : undefined;
      // A purge comes from a read, which counted the record already.
      if (record !== undefined && old === undefined && write.kind !== 'purge') result.corrupt++;
      if (write.kind === 'put') {
        if (old && compareVersions(old.version, write.meta.version) > 0) {
          result.superseded.push(key);
          return;
        }
        try {
          rawEntries.put({ ...write.meta, value: write.value });
        } catch {
          result.uncloneable.push(key);
          return;
        }
        if (record === undefined) totals.count++;
        totals.bytes += write.meta.size - (old?.size ?? 0);
      } else if (record !== undefined && (write.kind === 'delete' || !old || (write.version && compareVersions(old.version, write.version) === 0))) {
        remove(old?.size ?? 0, key);
      }
    });

    // Written without reading: an access time older than the record's write, or left by a key since removed,
    // counts for nothing (see `evictOldest`).
    for (const [key, at] of batch.touches) {
      if (!batch.writes.has(key) && !invalidated.has(key)) rawTouches.put(at, key);
    }

    await sweepExpired(tx, totals, now);
    if (totals.count > bounds.maxEntries || totals.bytes > bounds.maxBytes) {
      Object.assign(totals, await countExactly(tx));
      const maxEntries = Math.floor(bounds.maxEntries * HEADROOM);
      const maxBytes = bounds.maxBytes * HEADROOM;
      if (totals.count > bounds.maxEntries || totals.bytes > bounds.maxBytes) {
        await evictOldest(tx, totals, (t) => t.count > maxEntries || t.bytes > maxBytes);
      }
    }
    totals.gen++;
    ignore(tx.objectStore('info').put(totals, 'totals'));
    await tx.done;
    return result;
  } catch (error) {
    // Make sure nothing of a failed batch is committed, and report why it failed.
    try {
      tx.abort();
    } catch {
      // Already aborted or finished.
    }
    await tx.done.catch(() => {});
    throw tx.error ?? error;
  }
}

/**
 * Removes the least recently used records in a transaction of its own until `bytes` are freed or the tier
 * is empty: room for a batch that ran out of quota. Only removals: no put can lose to them, so the
 * generation stays.
 */
export async function evictForQuota(db: Database, bytes: number): Promise<void> {
  const tx = db.transaction(STORES, 'readwrite');
  const totals = await readTotals(tx);
  Object.assign(totals, await countExactly(tx));
  const target = totals.bytes - bytes;
  await evictOldest(tx, totals, (t) => t.count > 0 && t.bytes > target);
  ignore(tx.objectStore('info').put(totals, 'totals'));
  await tx.done;
}

/** The totals as stored; counted afresh when missing (a new database) or damaged. */
export async function readTotals(tx: Tx): Promise<Totals> {
  const totals = await tx.objectStore('info').get('totals');
  if (typeof totals?.count === 'number' && typeof totals.bytes === 'number' && typeof totals.gen === 'number') {
    return { count: totals.count, bytes: totals.bytes, gen: totals.gen };
  }
  return { ...(await countExactly(tx)), gen: 0 };
}

/** Count and bytes, from the `lru` index's keys: no value is read. A record without a valid size counts 0 bytes. */
async function countExactly(tx: Tx): Promise<{ count: number; bytes: number }> {
  const store = tx.objectStore('entries');
  const count = await store.count();
  let bytes = 0;
  let cursor = await store.index('lru').openKeyCursor();
  while (cursor) {
    bytes += cursor.key[1];
    cursor = await cursor.continue();
  }
  return { count, bytes };
}

/** Fire-and-forget request of a transaction: its failure aborts the transaction, which `tx.done` reports. */
function ignore(request: Promise<unknown>): void {
  request.catch(() => {});
}

async function sweepExpired(tx: WriteTx, totals: Totals, now: number): Promise<void> {
  let cursor = await tx.objectStore('entries').index('expiresAt').openCursor(IDBKeyRange.upperBound(now));
  for (let n = 0; cursor && n < SWEEP_LIMIT; n++) {
    ignore(tx.objectStore('touches').delete(cursor.primaryKey));
    ignore(cursor.delete());
    totals.count--;
    totals.bytes -= isEntryMeta(cursor.value, cursor.primaryKey) ? cursor.value.size : 0;
    cursor = await cursor.continue();
  }
}

/**
 * Removes entries least recently used first while `over`. An entry was last used at the later of its write
 * (`accessedAt`, in the `lru` index) and its read (in `touches`), so the two orders are merged: an entry whose
 * read is later than its write is passed over in the first and taken when the second reaches its read; a read
 * older than its entry's write, or left by an entry since removed, is dropped when reached. No value is read.
 */
async function evictOldest(tx: WriteTx, totals: Totals, over: (totals: Totals) => boolean): Promise<void> {
  if (!over(totals)) return;
  const entries = tx.objectStore('entries');
  const touches = tx.objectStore('touches');
  /** Sizes of entries passed over for a later read, by key. */
  const passed = new Map<string, number>();
  const evict = (key: string, size: number) => {
    ignore(entries.delete(key));
    ignore(touches.delete(key));
    totals.count--;
    totals.bytes -= size;
  };
  let written = await entries.index('lru').openKeyCursor();
  let read = await touches.index('at').openKeyCursor();
  while ((written || read) && over(totals)) {
    if (written && (!read || written.key[0] <= read.key)) {
      const [at, size] = written.key;
      const key = written.primaryKey;
      const touched = await touches.get(key);
      if (typeof touched === 'number' && touched > at) passed.set(key, size);
      else evict(key, size);
      written = await written.continue();
    } else if (read) {
      const key = read.primaryKey;
      const size = passed.get(key);
      if (size === undefined) ignore(touches.delete(key));
      else evict(key, size);
      read = await read.continue();
    }
  }
}
