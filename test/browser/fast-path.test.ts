import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { CacheClosedError, createCache } from '../../src/index.js';
import { cacheMaker, countPostMessages } from './support/caches.js';
import { needsSharedMemory, SHARED_MEMORY } from './support/engine.js';

const make = cacheMaker('fp', { persist: false });

const until = async (check: () => boolean | Promise<boolean>, ms = 5_000) => {
  for (const end = Date.now() + ms; !(await check()); ) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('the shared-memory fast path', () => {
  needsSharedMemory();

  it('answers hits with no message, each time with a fresh copy, and misses over messages', async () => {
    const cache = make();
    const value = { id: 1, when: new Date(3), bytes: new Float32Array([0.5]), nothing: undefined };
    await cache.put('k', value);
    await cache.put('u', undefined);
    const posted = countPostMessages();
    const first = await cache.get('k');
    const second = await cache.get('k');
    for (let i = 0; i < 98; i++) await cache.get('k');
    expect(await cache.get('u')).toBeUndefined();
    expect(posted.stop()).toBe(0);
    expect(first).toStrictEqual(value);
    expect(first).not.toBe(second);
    const again = countPostMessages();
    expect(await cache.get('missing')).toBeUndefined();
    expect(again.stop()).toBe(1);
    const stats = await cache.stats();
    expect(stats.fastPath).toMatchObject({ active: true, reason: undefined, hits: 101, entries: 2, sharedBytes: 8 * 1024 * 1024 });
    expect(stats).toMatchObject({ hits: 101, misses: 1 });
  });

  it('peeks: the value, or undefined when absent, expired, deleted or not yet started', async () => {
    const cache = make<unknown>({ ttl: 5_000 });
    expect(cache.peek('a')).toBeUndefined();
    await cache.put('a', [1, 'two', null]);
    await cache.put('short', 'x', { ttl: 40 });
    expect(cache.peek('a')).toEqual([1, 'two', null]);
    expect(cache.peek('short')).toBe('x');
    expect(cache.peek('missing')).toBeUndefined();
    expect(() => cache.peek(1 as unknown as string)).toThrow(TypeError);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(cache.peek('short')).toBeUndefined();
    await cache.delete('a');
    expect(cache.peek('a')).toBeUndefined();
    await cache.put('a', 2);
    await cache.clear();
    expect(cache.peek('a')).toBeUndefined();
  });

  it('sees its own writes: a get after an unanswered put asks the worker', async () => {
    const cache = make();
    await cache.put('k', 1);
    const put = cache.put('k', 2);
    expect(cache.peek('k')).toBeUndefined();
    expect(await cache.get('k')).toBe(2);
    await put;
    expect(cache.peek('k')).toBe(2);
    void cache.delete('k');
    expect(await cache.get('k')).toBeUndefined();
    await cache.put('t', 1, { tags: ['x'] });
    expect(cache.peek('t')).toBe(1);
    await cache.invalidateTags(['x']);
    expect(cache.peek('t')).toBeUndefined();
  });

  it('leaves what it does not mirror to the message path', async () => {
    const cache = make();
    await cache.put('map', new Map([[1, 'a']]));
    await cache.put('big', 'x'.repeat(100_000));
    expect(cache.peek('map')).toBeUndefined();
    expect(await cache.get('map')).toEqual(new Map([[1, 'a']]));
    expect(cache.peek('big')).toBe('x'.repeat(100_000));
    const small = make({ sharedBytes: 64 * 1024 });
    await small.put('big', 'x'.repeat(100_000));
    expect(small.peek('big')).toBeUndefined();
    expect(await small.get('big')).toHaveLength(100_000);
    expect((await small.stats()).fastPath).toMatchObject({ active: true, entries: 0 });
  });

  it('drops what the store evicts', async () => {
    const cache = make({ capacity: 3, policy: 'lru' });
    for (const key of ['a', 'b', 'c', 'd']) await cache.put(key, key);
    expect(cache.peek('a')).toBeUndefined();
    expect(cache.peek('d')).toBe('d');
    expect((await cache.stats()).fastPath.entries).toBe(3);
  });

  it('keeps a hot entry hit only from shared memory through a scan of other keys', async () => {
    for (const policy of ['lru', 'tinylfu'] as const) {
      const cache = make({ capacity: 100, policy });
      await cache.put('hot', 'h');
      for (let round = 0; round < 20; round++) {
        const posted = countPostMessages();
        for (let i = 0; i < 10; i++) expect(cache.peek('hot')).toBe('h');
        expect(await cache.get('hot')).toBe('h');
        expect(posted.stop()).toBe(0);
        await Promise.all(Array.from({ length: 50 }, (_, i) => cache.put(`scan-${round}-${i}`, i)));
      }
      expect(await cache.has('hot')).toBe(true);
      expect(cache.peek('hot')).toBe('h');
      expect((await cache.stats()).evictions).toBeGreaterThan(800);
    }
  });

  it("takes in another tab's changes, announced on the BroadcastChannel", async () => {
    const name = `fp-shared-${Math.random()}`;
    const here = make({ name, persist: true });
    const there = make({ name, persist: true });
    await here.put('k', 1);
    expect(here.peek('k')).toBe(1);
    await there.put('k', 2);
    await there.flush();
    await until(() => here.peek('k') === undefined);
    expect(await here.get('k')).toBe(2);
    expect(here.peek('k')).toBe(2);
    await there.delete('k');
    await there.flush();
    await until(() => here.peek('k') === undefined);
  });

  it('counts hits from shared memory as accesses of the persisted tier too', async () => {
    const name = `fp-persist-${Math.random()}`;
    const cache = make({ name, policy: 'lru', persist: { maxEntries: 4 } });
    for (const key of ['k0', 'k1', 'k2', 'k3']) {
      await cache.put(key, key);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await cache.flush();
    const before = (await cache.stats()).fastPath.hits;
    expect(await cache.get('k0')).toBe('k0');
    expect((await cache.stats()).fastPath.hits).toBe(before + 1);
    await cache.flush();
    // Over its bound, the persisted tier evicts its least recently used entries: k1 and k2, not k0.
    await cache.put('new', 'new');
    await cache.flush();
    const db = await openDB(`tabcache:${name}`);
    const persisted = ((await db.getAllKeys('entries')) as string[]).sort();
    db.close();
    expect(persisted).toEqual(['k0', 'k3', 'new']);
  });
});

describe('the fast path, on or off', () => {
  it('is off with sharedBytes 0, and says so', async () => {
    const cache = make({ sharedBytes: 0 });
    await cache.put('k', 1);
    expect(cache.peek('k')).toBeUndefined();
    expect(await cache.get('k')).toBe(1);
    expect((await cache.stats()).fastPath).toMatchObject({ active: false, reason: "option 'sharedBytes' is 0", hits: 0 });
    expect(() => createCache({ sharedBytes: 100 })).toThrow(/option 'sharedBytes'/);
    expect(() => createCache({ sharedBytes: 1.5 })).toThrow(RangeError);
  });

  it('answers nothing once closed', async () => {
    const cache = make();
    await cache.put('k', 1);
    await cache.close();
    expect(cache.peek('k')).toBeUndefined();
    await expect(cache.get('k')).rejects.toThrow(CacheClosedError);
  });

  it('is off where the engine has no SharedArrayBuffer, and says why', async ({ skip }) => {
    skip(SHARED_MEMORY, 'this engine has SharedArrayBuffer');
    const cache = make();
    await cache.put('k', 1);
    expect(cache.peek('k')).toBeUndefined();
    expect(await cache.get('k')).toBe(1);
    expect((await cache.stats()).fastPath).toMatchObject({
      active: false,
      reason: 'this browser has no SharedArrayBuffer, although the page is cross-origin isolated',
      hits: 0,
      sharedBytes: 0,
    });
  });
});
