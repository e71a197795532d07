import type { DBSchema, IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type { Version } from './version.js';

/**
 * What IndexedDB holds for one entry besides its value. Kept apart from the value so that version checks,
 * access-time updates, expiry and eviction read and write small records and never clone values.
 */
export interface EntryMeta {
  key: string;
  version: Version;
  /** Wall-clock milliseconds at which the entry expires; absent when it does not, so that the index skips it. */
  expiresAt?: number;
  /** Wall-clock milliseconds of the last read or write, written back in batches. */
  accessedAt: number;
  /** Estimated bytes of key and value. */
  size: number;
  tags: string[];
}

/** The value of an entry, boxed so that a stored `undefined` is told apart from a missing record. */
export interface StoredValue {
  value: unknown;
}

/**
 * Count and bytes of the persisted entries, and the number of batches ever committed. Count and bytes are
 * estimates between recounts: a put whose old record was not read is counted as new, so they can only run
 * high, and a batch that finds the tier over its bounds counts exactly before it evicts.
 */
export interface Totals {
  count: number;
  bytes: number;
  /** Generation: one more with every committed batch, from any tab. */
  gen: number;
}

export interface CacheDB extends DBSchema {
  entries: {
    key: string;
    value: EntryMeta;
    indexes: { expiresAt: number; accessedAt: number; tags: string };
  };
  values: { key: string; value: StoredValue };
  info: { key: 'totals'; value: Totals };
}

export type Database = IDBPDatabase<CacheDB>;
export type StoreName = StoreNames<CacheDB>;
export const STORES: StoreName[] = ['entries', 'values', 'info'];
const INDEXES = [
  { name: 'expiresAt', keyPath: 'expiresAt', multiEntry: false },
  { name: 'accessedAt', keyPath: 'accessedAt', multiEntry: false },
  { name: 'tags', keyPath: 'tags', multiEntry: true },
] as const;

/** One database per cache name. */
export function databaseName(cacheName: string): string {
  return `tabcache:${cacheName}`;
}

/** Whether `db` has every store and index this code uses; if not, it must be upgraded. */
export function hasSchema(db: Database): boolean {
  if (!STORES.every((name) => db.objectStoreNames.contains(name))) return false;
  const { indexNames } = db.transaction('entries').store;
  return INDEXES.every(({ name }) => indexNames.contains(name));
}

/** Creates what `hasSchema` looks for, in an upgrade transaction. Stores of another layout are replaced. */
export function createSchema(db: Database, tx: IDBPTransaction<CacheDB, StoreName[], 'versionchange'>): void {
  if (db.objectStoreNames.contains('entries') && tx.objectStore('entries').keyPath !== 'key') db.deleteObjectStore('entries');
  const entries = db.objectStoreNames.contains('entries') ? tx.objectStore('entries') : db.createObjectStore('entries', { keyPath: 'key' });
  for (const { name, keyPath, multiEntry } of INDEXES) {
    if (!entries.indexNames.contains(name)) entries.createIndex(name, keyPath, { multiEntry });
  }
  for (const name of ['values', 'info'] as const) {
    if (db.objectStoreNames.contains(name) && tx.objectStore(name).keyPath !== null) db.deleteObjectStore(name);
    if (!db.objectStoreNames.contains(name)) db.createObjectStore(name);
  }
}

/** Whether a record read back matches `EntryMeta`; one that does not is skipped, removed and counted. */
export function isEntryMeta(record: unknown, key: string): record is EntryMeta {
  if (typeof record !== 'object' || record === null) return false;
  const meta = record as Partial<EntryMeta>;
  const version = meta.version as Partial<Version> | undefined;
  return (
    meta.key === key &&
    typeof version === 'object' &&
    version !== null &&
    typeof version.at === 'number' &&
    typeof version.seq === 'number' &&
    typeof version.tab === 'string' &&
    (meta.expiresAt === undefined || typeof meta.expiresAt === 'number') &&
    typeof meta.accessedAt === 'number' &&
    typeof meta.size === 'number' &&
    meta.size >= 0 &&
    Array.isArray(meta.tags) &&
    meta.tags.every((tag) => typeof tag === 'string')
  );
}

export function isStoredValue(record: unknown): record is StoredValue {
  return typeof record === 'object' && record !== null && 'value' in record;
}
