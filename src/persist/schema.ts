import type { DBSchema, IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import { isVersion, isWhole, type Version } from './version.js';

/** What IndexedDB holds for one entry besides its value. */
export interface EntryMeta {
  key: string;
  version: Version;
  /** Wall-clock milliseconds at which the entry expires; absent when it does not, so that the index skips it. */
  expiresAt?: number;
  /** Wall-clock milliseconds of the write; later reads are kept in `touches`, which takes precedence when newer. */
  accessedAt: number;
  /** Estimated bytes of key and value. */
  size: number;
  tags: string[];
}

/**
 * One entry, metadata and value in one record, so that a put writes one record. `value` may be `undefined`:
 * a missing property is told apart from a stored `undefined` with `in`.
 */
export interface EntryRecord extends EntryMeta {
  value: unknown;
}

/**
 * Count and bytes of the persisted entries, and the number of batches ever committed. The count is exact after
 * every batch. The bytes are exact after a recount and can only run high between recounts: a put whose old
 * record was not read cannot subtract the old size. A batch that finds the tier over its bounds counts the bytes
 * exactly before it evicts.
 */
export interface Totals {
  count: number;
  bytes: number;
  /** Generation: one more with every committed batch, from any tab. */
  gen: number;
}

/**
 * Key types are what IndexedDB may hand back, not what this build writes: another build or an attacker may
 * have written any key, so whatever is read back is checked (see `isEntryMeta`, `lruEntry`, `isTotals`).
 */
export interface CacheDB extends DBSchema {
  entries: {
    key: IDBValidKey;
    value: EntryRecord;
    /** `lru` is `[accessedAt, size]`: a key cursor over it orders, counts and sizes entries without their values. */
    indexes: { expiresAt: IDBValidKey; lru: IDBValidKey; tags: IDBValidKey };
  };
  /** Wall-clock milliseconds of the last read of a key, when later than its write: a tiny record per read key. */
  touches: { key: IDBValidKey; value: unknown; indexes: { at: IDBValidKey } };
  info: { key: 'totals'; value: unknown };
  /** Empty: its name carries the layout's number. */
  [LAYOUT_STORE]: { key: string; value: never };
}

export type Database = IDBPDatabase<CacheDB>;
export type StoreName = StoreNames<CacheDB>;
/** The stores a batch works on. */
export const STORES: StoreName[] = ['entries', 'touches', 'info'];
/**
 * This layout's number. A database carries it as the name of an empty store, so that a tab can tell from the
 * store names alone, before any transaction, that a newer build laid the database out. Layout 1 (values apart
 * from metadata) carried none.
 */
export const LAYOUT = 2;
const LAYOUT_STORE = `layout-${LAYOUT}` as const;
const INDEXES: { name: 'expiresAt' | 'lru' | 'tags'; keyPath: string | string[]; multiEntry: boolean }[] = [
  { name: 'expiresAt', keyPath: 'expiresAt', multiEntry: false },
  { name: 'lru', keyPath: ['accessedAt', 'size'], multiEntry: false },
  { name: 'tags', keyPath: 'tags', multiEntry: true },
];
/** Stores of the earlier layout, which kept values apart from their metadata. */
const OLD_STORES = ['values'];

/** One database per cache name. */
export function databaseName(cacheName: string): string {
  return `tabcache:${cacheName}`;
}

/** Whether `db` has every store and index this code uses, and none of the earlier layout; if not, it must be upgraded. */
export function hasSchema(db: Database): boolean {
  if (![...STORES, LAYOUT_STORE].every((name) => db.objectStoreNames.contains(name))) return false;
  if (OLD_STORES.some((name) => (db.objectStoreNames as DOMStringList).contains(name))) return false;
  const { indexNames } = db.transaction('entries').store;
  return INDEXES.every(({ name }) => indexNames.contains(name)) && db.transaction('touches').store.indexNames.contains('at');
}

/**
 * The highest layout number above ours that `db` carries, if any. Such a database must be left alone: upgrading
 * it back would discard what the newer build wrote, and that build would then discard ours in turn.
 */
export function newerLayout(db: Database): number | undefined {
  let newest: number | undefined;
  for (const name of db.objectStoreNames as DOMStringList) {
    const layout = Number(/^layout-(\d+)$/.exec(name)?.[1]);
    if (layout > LAYOUT && layout > (newest ?? 0)) newest = layout;
  }
  return newest;
}

/**
 * Creates what `hasSchema` looks for, in an upgrade transaction. Stores of another layout are replaced; the
 * entries of the earlier layout (values in a store of their own) are discarded, as a cache may be, keeping
 * the generation so that tabs still open go on trusting what they heard.
 */
export function createSchema(db: Database, tx: IDBPTransaction<CacheDB, StoreName[], 'versionchange'>): void {
  // A fresh list each time: the list is a snapshot, and stores are deleted and created as this goes.
  const names = { contains: (name: string) => (db.objectStoreNames as DOMStringList).contains(name) };
  const old = OLD_STORES.filter((name) => names.contains(name));
  for (const name of old) db.deleteObjectStore(name as StoreName);
  const discard = names.contains('entries') && (old.length > 0 || tx.objectStore('entries').keyPath !== 'key');
  if (discard) db.deleteObjectStore('entries');
  const entries = names.contains('entries') ? tx.objectStore('entries') : db.createObjectStore('entries', { keyPath: 'key' });
  for (const name of [...entries.indexNames]) {
    if (!INDEXES.some((index) => index.name === name)) entries.deleteIndex(name);
  }
  for (const { name, keyPath, multiEntry } of INDEXES) {
    if (!entries.indexNames.contains(name)) entries.createIndex(name, keyPath, { multiEntry });
  }
  if (names.contains('touches') && tx.objectStore('touches').keyPath !== null) db.deleteObjectStore('touches');
  const touches = names.contains('touches') ? tx.objectStore('touches') : db.createObjectStore('touches');
  if (!touches.indexNames.contains('at')) touches.createIndex('at', '');
  if (names.contains('info') && tx.objectStore('info').keyPath !== null) db.deleteObjectStore('info');
  if (!names.contains('info')) db.createObjectStore('info');
  if (!names.contains(LAYOUT_STORE)) db.createObjectStore(LAYOUT_STORE);
  if (discard) {
    const info = tx.objectStore('info');
    void info.get('totals').then((totals) => info.put({ count: 0, bytes: 0, gen: generationOf(totals) } satisfies Totals, 'totals'));
  }
}

/** Sizes stay below a TiB, more than any browser stores, so that the sum of any plausible number of them stays exact. */
const MAX_SIZE = 2 ** 40;

export function isSize(value: unknown): value is number {
  return isWhole(value) && value < MAX_SIZE;
}

/** Whether a record read back matches `EntryMeta`; one that does not is skipped, removed and counted. */
export function isEntryMeta(record: unknown, key: IDBValidKey): record is EntryMeta {
  if (typeof record !== 'object' || record === null || typeof key !== 'string') return false;
  const meta = record as Partial<EntryMeta>;
  return (
    meta.key === key &&
    isVersion(meta.version) &&
    (meta.expiresAt === undefined || isWhole(meta.expiresAt)) &&
    isWhole(meta.accessedAt) &&
    isSize(meta.size) &&
    Array.isArray(meta.tags) &&
    meta.tags.every((tag) => typeof tag === 'string')
  );
}

/** Whether a record read back is a whole entry: valid metadata and a value. */
export function isEntryRecord(record: unknown, key: IDBValidKey): record is EntryRecord {
  return isEntryMeta(record, key) && 'value' in record;
}

/**
 * The access time and size of an entry of the `lru` index, or undefined when its key is not a string or its
 * index key is not `[time, size]`: such a record would be sorted among the others, or summed into the bytes,
 * as nonsense (a size of Infinity makes the bytes NaN).
 */
export function lruEntry(indexKey: unknown, key: unknown): { key: string; at: number; size: number } | undefined {
  if (typeof key !== 'string' || !Array.isArray(indexKey) || indexKey.length !== 2) return undefined;
  const [at, size] = indexKey;
  return isWhole(at) && isSize(size) ? { key, at, size } : undefined;
}

/**
 * The bytes the totals count for a record: its size when it is in the `lru` index as a valid entry (see
 * `lruEntry`), since counting reads that index and no value; otherwise 0.
 */
export function countedSize(record: unknown): number {
  if (typeof record !== 'object' || record === null) return 0;
  const { key, accessedAt, size } = record as { key?: unknown; accessedAt?: unknown; size?: unknown };
  return lruEntry([accessedAt, size], key)?.size ?? 0;
}

/** Whether totals read back are usable; ones that are not are counted afresh. NaN or a negative count would switch the bounds off for good. */
export function isTotals(value: unknown): value is Totals {
  if (typeof value !== 'object' || value === null) return false;
  const totals = value as Partial<Totals>;
  return isWhole(totals.count) && isWhole(totals.bytes) && isWhole(totals.gen);
}

/** The generation of totals read back, kept even when their count or bytes are damaged; 0 when it is unusable. */
export function generationOf(totals: unknown): number {
  const gen = typeof totals === 'object' && totals !== null ? (totals as Partial<Totals>).gen : undefined;
  return isWhole(gen) ? gen : 0;
}
