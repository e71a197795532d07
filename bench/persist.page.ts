// Runs in Chromium: persisted puts per second through tabcache (puts then one flush) against idb-keyval's
// `set` per put and one raw IndexedDB transaction per put; and the time from createCache() to the first hit
// on a store that already holds many persisted entries.
import { createStore, set } from 'idb-keyval';
import { createCache } from '../src/index.js';

/** A ~1 KB value, different for every key. */
function value(i: number): { id: number; body: string } {
  return { id: i, body: `${i}:`.padEnd(1_000, 'x') };
}

const unique = (what: string) => `bench-${what}-${Date.now()}-${Math.random().toString(36).slice(2)}`;

export interface PutRate {
  what: string;
  puts: number;
  ms: number;
  perSec: number;
}

/** tabcache: every put issued at once, then `flush()`; timed until the flush resolves (all durable). */
export async function tabcachePuts(n: number): Promise<PutRate> {
  const cache = createCache({ name: unique('tabcache'), capacity: n });
  await cache.get('warm-up');
  await cache.flush();
  const started = performance.now();
  for (let i = 0; i < n; i++) void cache.put(`k${i}`, value(i));
  await cache.flush();
  const ms = performance.now() - started;
  await cache.close();
  return { what: 'tabcache put ×N, then flush()', puts: n, ms, perSec: (n / ms) * 1_000 };
}

/** idb-keyval: one `set` per put (each its own transaction), all issued at once, timed until all resolve. */
export async function idbKeyvalPuts(n: number): Promise<PutRate> {
  const store = createStore(unique('keyval'), 'keyval');
  await set('warm-up', 0, store);
  const started = performance.now();
  await Promise.all(Array.from({ length: n }, (_, i) => set(`k${i}`, value(i), store)));
  const ms = performance.now() - started;
  return { what: 'idb-keyval set() per put', puts: n, ms, perSec: (n / ms) * 1_000 };
}

/** Raw IndexedDB: one readwrite transaction per put, all issued at once, timed until all complete. */
export async function rawPuts(n: number): Promise<PutRate> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(unique('raw'), 1);
    request.onupgradeneeded = () => request.result.createObjectStore('kv');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const putOne = (i: number) =>
    new Promise<void>((resolve, reject) => {
      const tx = db.transaction('kv', 'readwrite');
      tx.objectStore('kv').put(value(i), `k${i}`);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
  const started = performance.now();
  await Promise.all(Array.from({ length: n }, (_, i) => putOne(i)));
  const ms = performance.now() - started;
  db.close();
  return { what: 'raw IndexedDB, one transaction per put', puts: n, ms, perSec: (n / ms) * 1_000 };
}

/** Fills cache `name` with `n` persisted ~1 KB entries, and closes it. Returns the cache name. */
export async function fill(n: number): Promise<string> {
  const name = unique('warm');
  const cache = createCache({ name, capacity: 1_000, persist: { maxEntries: n * 2 } });
  for (let i = 0; i < n; i++) void cache.put(`k${i}`, value(i));
  await cache.flush();
  await cache.close();
  return name;
}

export interface WarmStart {
  /** createCache() to the first get answered with the persisted value. */
  firstHitMs: number;
  /** createCache() to the first get of a memory-only cache: starting the worker alone, for comparison. */
  workerStartMs: number;
  /** For scale: a getAll of every persisted value, what loading the store at start-up would cost. */
  getAllMs: number;
}

/**
 * Time from createCache() to the first hit on cache `name`, a new worker each time, and the same for a
 * memory-only cache, each from the `worker` file; `memoryFirst` says which starts first, since the second may
 * find the file warmer.
 */
export async function warmStart(name: string, key: string, n: number, memoryFirst: boolean, worker: string): Promise<WarmStart> {
  const persisted = async () => {
    const started = performance.now();
    const cache = createCache({ name, capacity: 1_000, persist: { maxEntries: n * 2 }, worker });
    const found = (await cache.get(key)) as { id: number } | undefined;
    const ms = performance.now() - started;
    if (found?.id !== Number(key.slice(1))) throw new Error(`warm start missed ${key}`);
    await cache.close();
    return ms;
  };
  const memoryOnly = async () => {
    const started = performance.now();
    const cache = createCache({ name: unique('start'), persist: false, worker });
    await cache.get(key);
    const ms = performance.now() - started;
    await cache.close();
    return ms;
  };
  let firstHitMs: number;
  let workerStartMs: number;
  if (memoryFirst) {
    workerStartMs = await memoryOnly();
    firstHitMs = await persisted();
  } else {
    firstHitMs = await persisted();
    workerStartMs = await memoryOnly();
  }

  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(`tabcache:${name}`);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const t = performance.now();
  await new Promise<unknown[]>((resolve, reject) => {
    const request = db.transaction('entries').objectStore('entries').getAll();
    request.onsuccess = () => resolve(request.result as unknown[]);
    request.onerror = () => reject(request.error);
  });
  const getAllMs = performance.now() - t;
  db.close();
  return { firstHitMs, workerStartMs, getAllMs };
}

/** Opens cache `name`'s database with a connection of the page's own, to watch what the worker commits. */
function openOwn(name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(`tabcache:${name}`);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function committed(db: IDBDatabase, key: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const request = db.transaction('entries').objectStore('entries').count(key);
    request.onsuccess = () => resolve(request.result > 0);
    request.onerror = () => reject(request.error);
  });
}

/**
 * The write-behind window under light load: for `n` puts made one at a time, the milliseconds from the put
 * resolving to its record being readable from IndexedDB by another connection (so: committed). An upper
 * bound on when its commit started.
 */
export async function writeBehind(n: number): Promise<number[]> {
  const name = unique('window');
  const cache = createCache({ name });
  await cache.put('warm-up', 0, { durable: true });
  const db = await openOwn(name);
  const windows: number[] = [];
  for (let i = 0; i < n; i++) {
    await cache.put(`k${i}`, value(i));
    const resolved = performance.now();
    while (!(await committed(db, `k${i}`)));
    windows.push(performance.now() - resolved);
  }
  db.close();
  await cache.close();
  return windows;
}

export interface BoundRates {
  /** Puts per second while the persisted tier fills up to its bound. */
  below: number;
  /** Puts per second once it is full, every batch evicting. */
  at: number;
}

/** Puts of ~1 KB values, `batch` at a time then a flush, until `bound` entries are persisted, then as many more. */
export async function putsAtBound(bound: number, batch: number): Promise<BoundRates> {
  const cache = createCache({ name: unique('bound'), capacity: 1_000, persist: { maxEntries: bound } });
  await cache.get('warm-up');
  const phase = async (from: number) => {
    const started = performance.now();
    for (let i = from; i < from + bound; i += batch) {
      for (let j = i; j < i + batch; j++) void cache.put(`k${j}`, value(j));
      await cache.flush();
    }
    return (bound / (performance.now() - started)) * 1_000;
  };
  const below = await phase(0);
  const at = await phase(bound);
  await cache.close();
  return { below, at };
}

/**
 * Cross-tab freshness: two workers of one cache, as two tabs have. For `n` rounds, tab A puts a new value and
 * the milliseconds are taken from that put resolving to tab B's `get` returning it.
 */
export async function crossTab(n: number, worker: string): Promise<number[]> {
  const name = unique('tabs');
  const a = createCache({ name, worker });
  const b = createCache({ name, worker });
  await a.put('k', -1, { durable: true });
  while ((await b.get('k')) !== -1);
  const windows: number[] = [];
  for (let i = 0; i < n; i++) {
    await a.put('k', i);
    const resolved = performance.now();
    while ((await b.get('k')) !== i);
    windows.push(performance.now() - resolved);
  }
  await Promise.all([a.close(), b.close()]);
  return windows;
}
