// A cache's database as another build (or an attacker) sees it: written and read with a connection of the
// test's own, without tabcache's schema checks.
import { openDB, type IDBPDatabase } from 'idb';

async function withDatabase<T>(name: string, use: (db: IDBPDatabase) => Promise<T>): Promise<T> {
  const db = await openDB(`tabcache:${name}`);
  try {
    return await use(db);
  } finally {
    db.close();
  }
}

/** The values IndexedDB holds for a cache, by key. */
export async function stored(name: string): Promise<Record<string, unknown>> {
  const records = (await withDatabase(name, (db) => db.getAll('entries'))) as { key: string; value: unknown }[];
  return Object.fromEntries(records.map((record) => [record.key, record.value]));
}

/** Writes entry records straight into a cache's database, as another tab (or another build) would. */
export async function writeEntries(name: string, ...records: object[]): Promise<void> {
  await withDatabase(name, async (db) => {
    for (const record of records) await db.put('entries', record);
  });
}

/** Writes a record straight into one of the other stores (`touches`, `info`), under `key`. */
export async function writeRecord(name: string, store: 'touches' | 'info', key: IDBValidKey, value: unknown): Promise<void> {
  await withDatabase(name, (db) => db.put(store, value, key));
}

/** A cache's database as another build would find it: version, store names, totals and raw entry records. */
export async function inspect(name: string) {
  return withDatabase(name, async (db) => ({
    version: db.version,
    stores: [...db.objectStoreNames].sort(),
    totals: (await db.get('info', 'totals')) as unknown,
    records: (await db.getAll('entries')) as unknown[],
  }));
}

/** The access times in `touches`, by key. */
export async function touches(name: string): Promise<Map<IDBValidKey, unknown>> {
  return withDatabase(name, async (db) => {
    const [keys, values] = await Promise.all([db.getAllKeys('touches'), db.getAll('touches')]);
    return new Map(keys.map((key, i) => [key, values[i]]));
  });
}

/** A time or size as tabcache writes them: a whole number of milliseconds or bytes; no size reaches 2^40 (a TiB). */
const validNumber = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;

/**
 * The bytes the totals should count for a record: its size when its key is a string and its access time and size
 * are valid; 0 for the rest, which the tier cannot size without reading values (it removes them when it counts).
 */
export function countedBytes(record: unknown): number {
  if (typeof record !== 'object' || record === null) return 0;
  const { key, accessedAt, size } = record as { key?: unknown; accessedAt?: unknown; size?: unknown };
  return typeof key === 'string' && validNumber(accessedAt) && validNumber(size) && size < 2 ** 40 ? size : 0;
}

/** What the totals should say, counted from the records: every record counts, and its `countedBytes`. */
export async function recount(name: string): Promise<{ count: number; bytes: number }> {
  const { records } = await inspect(name);
  return { count: records.length, bytes: records.reduce((sum: number, record) => sum + countedBytes(record), 0) };
}

/** Deletes a cache's database once the connections to it have closed (the tier closes on `versionchange`). */
export function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(`tabcache:${name}`);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error ?? new Error('tabcache: deleting the test database failed'));
  });
}
