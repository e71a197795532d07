import { unwrap, type IDBPTransaction } from 'idb';
import type { PersistConfig } from '../protocol.js';
import { countedSize, generationOf, isEntryMeta, isTotals, lruEntry, STORES, type CacheDB, type Database, type StoreName, type Totals } from './schema.js';
import { compareVersions, isWhole } from './version.js';
import type { Batch } from './writes.js';

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
  /** The totals after the batch, with its generation: estimates until `housekeep` (see `Totals`). */
  totals: Totals;
  /** The generation the batch started from. */
  base: number;
  /** Whether the totals the batch found could not be trusted: `housekeep` must count afresh. */
  damaged: boolean;
}

/**
 * Commits a batch in one readwrite transaction. Resolves once the transaction completes; rejects (nothing
 * written) if it aborts. The transaction only writes: expired records and those past the bounds go in the next
 * one (`housekeep`), so that this one is committed as soon as its requests are issued. A transaction committed
 * explicitly with all its requests issued is completed by the browser even if the worker dies with its tab the
 * next moment; one left to commit itself when the worker next goes idle is lost with it.
 *
 * A put writes one record (metadata and value) and reads nothing. It must not overwrite a record with a
 * newer version, but reading every old record first would double the cost of a batch, so it is read only
 * when this tab may not know the latest writes: when the stored generation is not `knownGen` (a batch of
 * another tab that this tab has not yet heard announced) or when `batch.trusted` is false. Otherwise every
 * record was written either before this tab's versions began or by a batch it heard of, whose newer puts it
 * already took out of its queue; so its puts are newer. Such a put counts as new in the totals, which
 * `housekeep` makes exact.
 */
export async function commit(db: Database, batch: Batch, knownGen: () => number | undefined): Promise<CommitResult> {
  const tx = db.transaction(STORES, 'readwrite');
  try {
    const entries = tx.objectStore('entries');
    const touches = tx.objectStore('touches');
    // The count is asked of IndexedDB, one request that reads no record. Totals that are damaged (NaN or a
    // negative count would switch the bounds off for good), or that count fewer records than there are
    // (another build or an attacker wrote some, and their bytes are missing too), must be counted afresh.
    const [stored, count] = await Promise.all([tx.objectStore('info').get('totals'), entries.count()]);
    const damaged = !isTotals(stored) || count > stored.count;
    const totals: Totals = { count, bytes: isTotals(stored) ? stored.bytes : 0, gen: generationOf(stored) };
    const result: CommitResult = { superseded: [], uncloneable: [], corrupt: 0, totals, base: totals.gen, damaged };
    const trusted = batch.trusted && knownGen() === totals.gen;
    // What the tab took out of the batch when it heard of newer puts counts up to here, and no further.
    const writes = [...batch.writes];
    // The puts and access times of a batch are most of its requests: issued raw, without a promise each.
    const rawEntries = unwrap(entries);
    const rawTouches = unwrap(touches);
    const remove = (size: number, key: IDBValidKey) => {
      ignore(entries.delete(key));
      ignore(touches.delete(key));
      totals.count--;
      totals.bytes -= size;
    };
    // A purge comes from a read, which counted the record already.
    const purging = (key: IDBValidKey) => typeof key === 'string' && batch.writes.get(key)?.kind === 'purge';
    if (batch.clear) {
      ignore(entries.clear());
      ignore(touches.clear());
      totals.count = 0;
      totals.bytes = 0;
    }
    const invalidated = new Set<string>();
    for (const tag of batch.tags) {
      const index = entries.index('tags');
      // The records of each tag are read after the previous tag's removals, so none is removed twice.
      const [keys, records] = await Promise.all([index.getAllKeys(tag), index.getAll(tag)]);
      keys.forEach((key, i) => {
        const record: unknown = records[i];
        if (typeof key === 'string') invalidated.add(key);
        if (!isEntryMeta(record, key) && !purging(key)) result.corrupt++;
        remove(countedSize(record), key);
      });
    }

    const read = ([key, write]: (typeof writes)[number]) => !invalidated.has(key) && (!trusted || write.kind !== 'put');
    const found = await Promise.all(writes.map((write) => (read(write) ? entries.get(write[0]) : undefined)));
    writes.forEach(([key, write], i) => {
      const record: unknown = found[i];
      const old = isEntryMeta(record, key) ? record : undefined;
      if (record !== undefined && old === undefined && !purging(key)) result.corrupt++;
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
        totals.bytes += write.meta.size - countedSize(record);
      } else if (record !== undefined && (write.kind === 'delete' || !old || (write.version && compareVersions(old.version, write.version) === 0))) {
        remove(countedSize(record), key);
      }
    });
    // Records under keys that are not strings, found by `keys()` or `tagged()` and counted there.
    for (const key of batch.strays) {
      ignore(entries.delete(key));
      ignore(touches.delete(key));
    }

    // Written without reading: an access time older than the record's write, or left by a key since removed,
    // counts for nothing (see `evictOldest`).
    for (const [key, at] of batch.touches) {
      if (!batch.writes.has(key) && !invalidated.has(key)) rawTouches.put(at, key);
    }

    totals.gen++;
    ignore(tx.objectStore('info').put(totals, 'totals'));
    tx.commit();
    await tx.done;
    return result;
  } catch (error) {
    await abandon(tx);
    throw tx.error ?? error;
  }
}

/**
 * Removes expired records and, past the bounds, the least recently used ones, and makes the totals exact where
 * batches left them estimates: the count always (one request that reads no record), the bytes by a recount
 * when they cannot be trusted. Only removals: no put can lose to them, so the generation stays.
 */
export async function housekeep(db: Database, bounds: PersistConfig, now: number, damaged: boolean): Promise<{ totals: Totals; corrupt: number }> {
  const tx = db.transaction(STORES, 'readwrite');
  try {
    const entries = tx.objectStore('entries');
    const found = { corrupt: 0 };
    const [stored, count] = await Promise.all([tx.objectStore('info').get('totals'), entries.count()]);
    // Checked again: another tab may have written since. Bytes below zero mean a record was replaced by a larger
    // one behind the totals' back.
    const exact = !damaged && isTotals(stored) && count <= stored.count && stored.bytes >= 0;
    const totals: Totals = { count, bytes: exact ? stored.bytes : 0, gen: generationOf(stored) };
    let counted = false;
    const countAgain = async () => {
      counted = true;
      Object.assign(totals, await recount(tx, found));
    };
    if (!exact) await countAgain();
    await sweepExpired(tx, totals, found, now);
    if (totals.count > bounds.maxEntries || totals.bytes > bounds.maxBytes) {
      // The bytes may run high (see `Totals`): they are counted, a walk over every record, before evicting for
      // them. The count is exact already, so a tier full by count alone evicts by count without that walk.
      if (!counted && totals.bytes > bounds.maxBytes) await countAgain();
      const maxEntries = Math.floor(bounds.maxEntries * HEADROOM);
      const maxBytes = counted ? bounds.maxBytes * HEADROOM : Infinity;
      if (totals.count > bounds.maxEntries || totals.bytes > bounds.maxBytes) {
        await evictOldest(tx, totals, found, (t) => t.count > maxEntries || t.bytes > maxBytes);
      }
    }
    ignore(tx.objectStore('info').put(totals, 'totals'));
    tx.commit();
    await tx.done;
    return { totals, corrupt: found.corrupt };
  } catch (error) {
    await abandon(tx);
    throw tx.error ?? error;
  }
}

/** Makes sure nothing of a failed transaction is committed. */
async function abandon(tx: WriteTx): Promise<void> {
  try {
    tx.abort();
  } catch {
    // Already aborted or finished.
  }
  await tx.done.catch(() => {});
}

/**
 * Removes the least recently used records in a transaction of its own until `bytes` are freed or the tier
 * is empty: room for a batch that ran out of quota. Only removals: no put can lose to them, so the
 * generation stays. Returns the number of damaged records it found and removed.
 */
export async function evictForQuota(db: Database, bytes: number): Promise<number> {
  const tx = db.transaction(STORES, 'readwrite');
  const found = { corrupt: 0 };
  const totals = { ...(await recount(tx, found)), gen: generationOf(await tx.objectStore('info').get('totals')) };
  const target = totals.bytes - bytes;
  await evictOldest(tx, totals, found, (t) => t.count > 0 && t.bytes > target);
  ignore(tx.objectStore('info').put(totals, 'totals'));
  await tx.done;
  return found.corrupt;
}

/**
 * Count and bytes, from the keys of the `lru` index: no value is read. Removes, and counts in `found`, the
 * records that cannot be counted: a key that is not a string, an index key that is not `[time, size]`, or no
 * index entry at all (an access time or size that is no valid key, such as NaN, leaves a record out of the index,
 * and so out of the eviction order).
 */
async function recount(tx: WriteTx, found: { corrupt: number }): Promise<{ count: number; bytes: number }> {
  const entries = tx.objectStore('entries');
  const drop = (key: IDBValidKey) => {
    ignore(entries.delete(key));
    ignore(tx.objectStore('touches').delete(key));
    found.corrupt++;
  };
  let count = 0;
  let bytes = 0;
  let cursor = await entries.index('lru').openKeyCursor();
  while (cursor) {
    const entry = lruEntry(cursor.key, cursor.primaryKey);
    if (entry) {
      count++;
      bytes += entry.size;
    } else {
      drop(cursor.primaryKey);
    }
    cursor = await cursor.continue();
  }
  if ((await entries.count()) > count) {
    const [all, indexed] = await Promise.all([entries.getAllKeys(), entries.index('lru').getAllKeys()]);
    const seen = new Set(indexed);
    for (const key of all) if (typeof key !== 'string' || !seen.has(key)) drop(key);
  }
  return { count, bytes };
}

/** Fire-and-forget request of a transaction: its failure aborts the transaction, which `tx.done` reports. */
function ignore(request: Promise<unknown>): void {
  request.catch(() => {});
}

/** Removes expired records, and damaged ones whose expiry sorts among times past (a negative one, say). */
async function sweepExpired(tx: WriteTx, totals: Totals, found: { corrupt: number }, now: number): Promise<void> {
  let cursor = await tx.objectStore('entries').index('expiresAt').openCursor(IDBKeyRange.upperBound(now));
  for (let n = 0; cursor && n < SWEEP_LIMIT; n++) {
    ignore(tx.objectStore('touches').delete(cursor.primaryKey));
    ignore(cursor.delete());
    if (!isEntryMeta(cursor.value, cursor.primaryKey)) found.corrupt++;
    totals.count--;
    totals.bytes -= countedSize(cursor.value);
    cursor = await cursor.continue();
  }
}

/**
 * Removes entries least recently used first while `over`. An entry was last used at the later of its write
 * (`accessedAt`, in the `lru` index) and its read (in `touches`), so the two orders are merged: an entry whose
 * read is later than its write is passed over in the first and taken when the second reaches its read; a read
 * older than its entry's write, or left by an entry since removed, is dropped when reached. No value is read.
 * The reads (a number a read key) are read at once, and the removals issued after the walk: a request between
 * two steps of a cursor stops the browser reading ahead of it, which made each step a round trip of its own.
 * An index entry that is not a valid `[time, size]`, or a read that is not a time (Infinity would keep its entry
 * forever), is removed and counted in `found`.
 */
async function evictOldest(tx: WriteTx, totals: Totals, found: { corrupt: number }, over: (totals: Totals) => boolean): Promise<void> {
  if (!over(totals)) return;
  const entries = tx.objectStore('entries');
  const touches = tx.objectStore('touches');
  const [readKeys, readTimes] = await Promise.all([touches.getAllKeys(), touches.getAll()]);
  /** Reads by key; the keys of those that are no time go at once. */
  const reads = new Map<string, number>();
  const dropReads: IDBValidKey[] = [];
  readKeys.forEach((key, i) => {
    const at: unknown = readTimes[i];
    if (typeof key === 'string' && isWhole(at)) {
      reads.set(key, at);
    } else {
      dropReads.push(key);
      found.corrupt++;
    }
  });
  const byTime = [...reads].sort((x, y) => x[1] - y[1]);
  let next = 0;
  /** Sizes of entries passed over for a later read, by key. */
  const passed = new Map<string, number>();
  const victims: IDBValidKey[] = [];
  const evict = (key: string, size: number) => {
    victims.push(key);
    totals.count--;
    totals.bytes -= size;
  };
  let written = await entries.index('lru').openKeyCursor();
  while ((written || next < byTime.length) && over(totals)) {
    const read = byTime[next];
    const entry = written && lruEntry(written.key, written.primaryKey);
    if (written && !entry) {
      // Damaged, and left in the index because no recount ran before: it goes, counted, its bytes unknown.
      victims.push(written.primaryKey as string);
      totals.count--;
      found.corrupt++;
      written = await written.continue();
    } else if (written && entry && (read === undefined || entry.at <= read[1])) {
      const touched = reads.get(entry.key);
      if (touched !== undefined && touched > entry.at) passed.set(entry.key, entry.size);
      else evict(entry.key, entry.size);
      written = await written.continue();
    } else if (read) {
      next++;
      const size = passed.get(read[0]);
      if (size === undefined) dropReads.push(read[0]);
      else evict(read[0], size);
    }
  }
  for (const key of victims) {
    ignore(entries.delete(key));
    // Most entries were never read back: a delete of a read that is not there would cost as much as the entry's.
    if (typeof key === 'string' && reads.has(key)) ignore(touches.delete(key));
  }
  for (const key of dropReads) ignore(touches.delete(key));
}
