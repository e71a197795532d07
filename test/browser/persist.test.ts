import { openDB, type IDBPDatabase } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import { createCache, type TabCache } from '../../src/index.js';
import { Connection } from '../../src/persist/database.js';
import { HOLD_LIMIT } from '../../src/persist/tier.js';
import { inspect, stored, writeEntries } from './support/database.js';

// The IndexedDB tier against Chromium's real IndexedDB. "Reopening" is a new cache of the same name: a new
// worker with an empty memory tier, as after a reload.

const open: TabCache<unknown>[] = [];
function make<V>(name: string, options: Parameters<typeof createCache>[0] = {}): TabCache<V> {
  const cache = createCache<V>({ name, ...options });
  open.push(cache as TabCache<unknown>);
  return cache;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((cache) => cache.close()));
});
const unique = (what: string) => `${what}-${Math.random().toString(36).slice(2)}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The upgrade of a newer build of tabcache to a new database: the stores of a layout 3. */
function layOutAsNewerBuild(db: IDBPDatabase): void {
  db.createObjectStore('entries', { keyPath: 'key' });
  db.createObjectStore('info');
  db.createObjectStore('layout-3');
}

describe('the IndexedDB tier', () => {
  it('keeps entries across a reopen, reading them through on a memory miss', async () => {
    const name = unique('reopen');
    const first = make(name);
    await first.put('a', { n: 1 }, { tags: ['t'] });
    await first.put('u', undefined);
    await first.flush();
    await first.close();

    const second = make(name);
    expect(await second.get('a')).toEqual({ n: 1 });
    expect(await second.has('u')).toBe(true);
    expect(await second.get('u')).toBeUndefined();
    expect(await second.get('missing')).toBeUndefined();
    expect((await second.keys()).sort()).toEqual(['a', 'u']);
    const stats = await second.stats();
    expect(stats.persistence).toMatchObject({ state: 'on', reason: undefined, entries: 2, pending: 0, readThroughHits: 2 });
    // Promoted: the second read is a memory hit.
    await second.get('a');
    expect((await second.stats()).hits).toBe(1);
  });

  it('serves entries evicted from memory from IndexedDB', async () => {
    const cache = make(unique('evicted'), { capacity: 2, policy: 'lru' });
    for (const key of ['a', 'b', 'c', 'd']) await cache.put(key, key.toUpperCase());
    expect(await cache.get('a')).toBe('A');
    expect(await cache.size()).toBe(4);
    expect((await cache.stats()).size).toBe(2);
  });

  it('sees a put and a get of the same batch in order, and a delete before its batch commits', async () => {
    const cache = make(unique('order'));
    const [, got, deleted, after] = await Promise.all([cache.put('k', 1), cache.get('k'), cache.delete('k'), cache.get('k')]);
    expect([got, deleted, after]).toEqual([1, true, undefined]);
  });

  it('persists deletes, clears and tag invalidations', async () => {
    const name = unique('removals');
    const first = make(name, { capacity: 2, policy: 'lru' });
    await first.put('a', 1, { tags: ['x'] });
    await first.put('b', 2, { tags: ['x', 'y'] });
    await first.put('c', 3);
    await first.put('d', 4);
    await first.flush();
    // 'a' and 'b' are only in IndexedDB now; the invalidation still finds them.
    expect(await first.invalidateTags(['x'])).toBe(2);
    expect(await first.delete('c')).toBe(true);
    expect(await first.delete('c')).toBe(false);
    await first.close();
    expect(await stored(name)).toEqual({ d: 4 });

    const second = make(name);
    expect(await second.keys()).toEqual(['d']);
    await second.clear();
    await second.flush();
    expect(await stored(name)).toEqual({});
  });

  it('never returns an expired entry after a reopen, and removes it', async () => {
    const name = unique('ttl');
    const first = make(name);
    await first.put('short', 1, { ttl: 50 });
    await first.put('long', 2, { ttl: 60_000 });
    await first.close();
    await sleep(80);
    const second = make(name);
    expect(await second.get('short')).toBeUndefined();
    expect(await second.get('long')).toBe(2);
    expect(await second.keys()).toEqual(['long']);
    await second.flush();
    expect(Object.keys(await stored(name))).toEqual(['long']);
  });

  it('bounds the persisted tier, evicting the least recently used first, to 10% under the bound', async () => {
    const name = unique('bounds');
    // LRU, so that k0 is surely out of memory and its read goes to IndexedDB.
    const cache = make(name, { capacity: 2, policy: 'lru', persist: { maxEntries: 10 } });
    const keys = Array.from({ length: 10 }, (_, i) => `k${i}`);
    for (const key of keys) {
      await cache.put(key, key);
      await sleep(3);
    }
    await cache.flush();
    // Reading k0 from IndexedDB makes it recent once the access time is written back.
    expect(await cache.get('k0')).toBe('k0');
    await cache.flush();
    await cache.put('new', 'new');
    await cache.flush();
    expect(Object.keys(await stored(name)).sort()).toEqual(['k0', 'k3', 'k4', 'k5', 'k6', 'k7', 'k8', 'k9', 'new']);
    expect((await cache.stats()).persistence).toMatchObject({ entries: 9 });
  });

  it('bounds the persisted tier by bytes', async () => {
    const name = unique('bytes');
    const cache = make(name, { persist: { maxBytes: 5_000 } });
    for (let i = 0; i < 10; i++) await cache.put(`k${i}`, 'x'.repeat(1_000));
    await cache.flush();
    const { persistence } = await cache.stats();
    expect(persistence.bytes).toBeLessThanOrEqual(5_000);
    expect(persistence.entries).toBe(2);
    expect(Object.keys(await stored(name)).sort()).toEqual(['k8', 'k9']);
  });

  it('commits 1,000 puts in few transactions and flush waits for all of them', async () => {
    const name = unique('burst');
    const cache = make(name, { capacity: 100 });
    const value = 'v'.repeat(1_000);
    await Promise.all(Array.from({ length: 1_000 }, (_, i) => cache.put(`k${i}`, value)));
    await cache.flush();
    expect(Object.keys(await stored(name))).toHaveLength(1_000);
    expect((await cache.stats()).persistence).toMatchObject({ entries: 1_000, pending: 0 });
  });

  it('skips, removes and counts a record that does not match the schema', async () => {
    const name = unique('corrupt');
    const cache = make(name);
    await cache.put('good', 1);
    await cache.flush();
    await writeEntries(
      name,
      { key: 'bad', version: 'nonsense', value: 'evil' },
      { key: 'novalue', version: { at: 1, seq: 0, tab: 'x' }, accessedAt: 1, size: 1, tags: [] },
    );
    expect(await cache.get('bad')).toBeUndefined();
    expect(await cache.get('novalue')).toBeUndefined();
    expect(await cache.get('good')).toBe(1);
    expect((await cache.stats()).persistence.corrupt).toBe(2);
    await cache.flush();
    expect(await stored(name)).toEqual({ good: 1 });
  });

  it('discards the entries of the earlier layout, values apart from metadata, keeping the generation', async () => {
    const name = unique('old-layout');
    const db = await openDB(`tabcache:${name}`, 1, {
      upgrade(db) {
        db.createObjectStore('entries', { keyPath: 'key' }).createIndex('accessedAt', 'accessedAt');
        db.createObjectStore('values');
        db.createObjectStore('info');
      },
    });
    await db.put('entries', { key: 'old', version: { at: 1, seq: 0, tab: 'x' }, accessedAt: 1, size: 10, tags: [] });
    await db.put('values', { value: 'old' }, 'old');
    await db.put('info', { count: 1, bytes: 10, gen: 7 }, 'totals');
    db.close();
    const cache = make(name);
    expect(await cache.get('old')).toBeUndefined();
    await cache.put('new', 1);
    await cache.flush();
    expect(await stored(name)).toEqual({ new: 1 });
    expect((await cache.stats()).persistence).toMatchObject({ entries: 1, corrupt: 0 });
    expect(await inspect(name)).toMatchObject({ stores: ['entries', 'info', 'layout-2', 'touches'], totals: { count: 1, gen: 8 } });
  });

  it('marks a database of this layout made before layouts were numbered, keeping its entries', async () => {
    const name = unique('unmarked');
    const db = await openDB(`tabcache:${name}`, 1, {
      upgrade(db) {
        const entries = db.createObjectStore('entries', { keyPath: 'key' });
        entries.createIndex('expiresAt', 'expiresAt');
        entries.createIndex('lru', ['accessedAt', 'size']);
        entries.createIndex('tags', 'tags', { multiEntry: true });
        db.createObjectStore('touches').createIndex('at', '');
        db.createObjectStore('info');
      },
    });
    await db.put('entries', { key: 'kept', version: { at: 1, seq: 0, tab: 'x' }, accessedAt: Date.now(), size: 10, tags: [], value: 'v' });
    await db.put('info', { count: 1, bytes: 10, gen: 3 }, 'totals');
    db.close();
    const cache = make(name);
    expect(await cache.get('kept')).toBe('v');
    expect(await inspect(name)).toMatchObject({ stores: ['entries', 'info', 'layout-2', 'touches'], totals: { count: 1, gen: 3 } });
  });

  it('leaves a database of a newer layout alone, serving from memory and saying why', async () => {
    const name = unique('newer-layout');
    const db = await openDB(`tabcache:${name}`, 5, {
      upgrade: layOutAsNewerBuild,
    });
    await db.put('entries', { key: 'theirs', shape: 'unknown to this build' });
    db.close();
    const cache = make(name);
    expect(await cache.get('theirs')).toBeUndefined();
    await cache.put('mine', 1);
    await cache.flush();
    expect(await cache.get('mine')).toBe(1);
    expect((await cache.stats()).persistence).toMatchObject({ state: 'unavailable', reason: expect.stringMatching(/newer build .*layout 3; this build knows layout 2/) });
    expect(await inspect(name)).toEqual({
      version: 5,
      stores: ['entries', 'info', 'layout-3'],
      totals: undefined,
      records: [{ key: 'theirs', shape: 'unknown to this build' }],
    });
  });

  it('lets the newer version win when another tab wrote the key later', async () => {
    const name = unique('versions');
    const cache = make(name);
    await cache.put('k', 'old');
    await cache.flush();
    // Another tab's write with a version from the future, which this tab has not heard of yet.
    const db = await openDB(`tabcache:${name}`);
    const future = { at: Date.now() + 60_000, seq: 0, tab: 'other' };
    await db.put('entries', { key: 'k', version: future, accessedAt: Date.now(), size: 10, tags: [], value: 'newer' });
    const totals = (await db.get('info', 'totals')) as { gen: number };
    await db.put('info', { ...totals, gen: totals.gen + 1 }, 'totals');
    db.close();
    await cache.put('k', 'mine');
    await cache.flush();
    expect(await stored(name)).toEqual({ k: 'newer' });
    expect(await cache.get('k')).toBe('newer');
  });

  it('drops its copies from memory on a message it cannot read, as from another build, and reads IndexedDB again', async () => {
    const name = unique('unreadable');
    const cache = make(name);
    await cache.put('k', 1);
    await cache.put('unnamed', 1);
    await cache.flush();
    const newer = (key: string) => ({ key, version: { at: Date.now() + 60_000, seq: 0, tab: 'other' }, accessedAt: Date.now(), size: 10, tags: [], value: 2 });
    await writeEntries(name, newer('k'), newer('unnamed'));
    expect(await cache.get('k')).toBe(1);
    const channel = new BroadcastChannel(`tabcache:${name}`);
    channel.postMessage({ tab: 'other', keys: ['k'] });
    channel.close();
    await expect.poll(() => cache.get('k')).toBe(2);
    // Every copy goes, not only the keys the message seems to name: what it changed cannot be known.
    expect(await cache.get('unnamed')).toBe(2);
  });

  it('brings two tabs that write the same key at once to the same value', async () => {
    const name = unique('race');
    const [a, b] = [make(name), make(name)];
    await Promise.all([a.get('warm-up'), b.get('warm-up')]);
    for (let round = 0; round < 5; round++) {
      await Promise.all([a.put('k', `a${round}`), b.put('k', `b${round}`)]);
      await Promise.all([a.flush(), b.flush()]);
      await sleep(50);
      const seen = [await a.get('k'), await b.get('k'), (await stored(name)).k];
      expect(new Set(seen).size, JSON.stringify(seen)).toBe(1);
    }
    // One after the other, the later write wins.
    await a.put('k', 'first');
    await a.flush();
    await sleep(20);
    await b.put('k', 'second');
    await b.flush();
    await sleep(50);
    expect([await a.get('k'), await b.get('k'), (await stored(name)).k]).toEqual(['second', 'second', 'second']);
  });

  it('stays in memory with persist: false', async () => {
    const name = unique('off');
    const first = make(name, { persist: false });
    await first.put('a', 1);
    await first.flush();
    expect((await first.stats()).persistence).toMatchObject({ state: 'off', entries: 0 });
    await first.close();
    const second = make(name, { persist: false });
    expect(await second.get('a')).toBeUndefined();
  });

  it('keeps serving from memory when IndexedDB does not exist, and says why', async () => {
    const cache = make(unique('no-idb'), { worker: new URL('./fixtures/no-idb-worker.ts', import.meta.url) });
    await cache.put('a', 1);
    await cache.flush();
    expect(await cache.get('a')).toBe(1);
    expect(await cache.keys()).toEqual(['a']);
    const { persistence } = await cache.stats();
    expect(persistence.state).toBe('unavailable');
    expect(persistence.reason).toMatch(/IndexedDB/);
  });

  it('answers at once while an old connection blocks the upgrade; flush waits, and resolves once the write is committed', async () => {
    const name = unique('blocked');
    // An empty database at version 1, held open by a connection that ignores requests to close.
    const old = await openDB(`tabcache:${name}`, 1);
    const cache = make(name);
    const started = performance.now();
    await cache.put('a', 1);
    expect(await cache.get('a')).toBe(1);
    expect(await cache.get('other')).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(3_000);
    let flushed = false;
    const flush = cache.flush().then(() => (flushed = true));
    await expect.poll(async () => (await cache.stats()).persistence).toMatchObject({ state: 'unavailable', reason: expect.stringMatching(/blocked/), pending: 1 });
    expect(flushed).toBe(false);
    old.close();
    await flush;
    expect(await stored(name)).toEqual({ a: 1 });
    expect((await cache.stats()).persistence).toMatchObject({ state: 'on', pending: 0, memoryOnly: 0 });
  });

  it(`gives up the writes it held once the open has been blocked for ${HOLD_LIMIT} ms, and then flush resolves`, async () => {
    const name = unique('blocked-long');
    const old = await openDB(`tabcache:${name}`, 1);
    const cache = make(name);
    await cache.put('a', 1);
    const started = performance.now();
    await cache.flush();
    expect(performance.now() - started).toBeGreaterThanOrEqual(HOLD_LIMIT);
    expect((await cache.stats()).persistence).toMatchObject({ state: 'unavailable', pending: 0, memoryOnly: 1 });
    expect(await cache.get('a')).toBe(1);
    old.close();
  }, 20_000);

  it('gives up the writes it held while blocked once the open finds a newer layout, and then flush resolves', async () => {
    const name = unique('blocked-newer');
    const old = await openDB(`tabcache:${name}`, 1);
    // A newer build's upgrade, blocked by the old connection; this cache's open waits behind it.
    const newer = openDB(`tabcache:${name}`, 5, {
      upgrade: layOutAsNewerBuild,
    });
    const cache = make(name);
    await cache.put('a', 1);
    const flush = cache.flush();
    await expect.poll(async () => (await cache.stats()).persistence).toMatchObject({ state: 'unavailable', pending: 1 });
    old.close();
    (await newer).close();
    await flush;
    expect((await cache.stats()).persistence).toMatchObject({ reason: expect.stringMatching(/newer build/), pending: 0, memoryOnly: 1 });
    expect(await cache.get('a')).toBe(1);
    expect(await inspect(name)).toMatchObject({ version: 5, stores: ['entries', 'info', 'layout-3'], records: [] });
  });

  it('gives way to a newer build that upgrades the database under it, then leaves the database alone', async () => {
    const name = unique('upgraded-newer');
    const cache = make(name);
    await cache.put('a', 1);
    await cache.flush();
    const { version } = await inspect(name);
    const newer = await openDB(`tabcache:${name}`, version + 1, {
      upgrade(db, _old, _new, tx) {
        db.deleteObjectStore('layout-2');
        db.createObjectStore('layout-3');
        void tx.objectStore('entries').clear();
      },
    });
    newer.close();
    await cache.put('b', 2);
    await cache.flush();
    expect(await cache.get('b')).toBe(2);
    expect((await cache.stats()).persistence).toMatchObject({ state: 'unavailable', reason: expect.stringMatching(/newer build/), pending: 0 });
    expect(await inspect(name)).toMatchObject({ version: version + 1, stores: ['entries', 'info', 'layout-3', 'touches'], records: [] });
  });

  it('gives way to another connection that upgrades the database, then reopens', async () => {
    const name = unique('upgrade');
    const cache = make(name);
    await cache.put('a', 1);
    await cache.flush();
    const db = await openDB(`tabcache:${name}`);
    const version = db.version;
    db.close();
    const upgraded = await Promise.race([openDB(`tabcache:${name}`, version + 1), sleep(3_000).then(() => 'hung' as const)]);
    expect(upgraded).not.toBe('hung');
    if (upgraded !== 'hung') upgraded.close();
    await cache.put('b', 2);
    await cache.flush();
    expect(await stored(name)).toEqual({ a: 1, b: 2 });
  });
});

describe('the database connection', () => {
  it('looks again when a newer build upgrades the database past the version it was about to take', async () => {
    const name = unique('raced');
    const full = `tabcache:${name}`;
    (await openDB(full, 1)).close();
    // The first upgrade request this connection makes is preceded by a newer build's, which IndexedDB
    // runs first: the connection's own then asks for an older version than the database has.
    const realOpen = indexedDB.open.bind(indexedDB);
    let raced = false;
    indexedDB.open = (dbName: string, version?: number) => {
      if (dbName === full && version !== undefined && !raced) {
        raced = true;
        void openDB(full, version + 4, {
          upgrade: layOutAsNewerBuild,
        }).then((db) => db.close());
      }
      return realOpen(dbName, version);
    };
    try {
      const connection = new Connection(name, async () => {}, () => {});
      expect(await connection.get()).toBeUndefined();
      expect(raced).toBe(true);
      expect(connection.availability).toMatchObject({ state: 'unavailable', reason: expect.stringMatching(/newer build .*layout 3/) });
    } finally {
      indexedDB.open = realOpen;
    }
  });
});
