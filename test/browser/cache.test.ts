import { describe, expect, it } from 'vitest';
import { createCache } from '../../src/index.js';
import { cacheMaker, countPostMessages } from './support/caches.js';
import { SHARED_MEMORY } from './support/engine.js';

const make = cacheMaker('t');

describe('createCache in a real worker', () => {
  it('stores and returns values by structured clone', async () => {
    const cache = make();
    const value = { date: new Date(5), map: new Map([[1, 'a']]), bytes: new Uint8Array([1, 2, 3]), nothing: null };
    await cache.put('k', value);
    const back = await cache.get('k');
    expect(back).toEqual(value);
    expect(back).not.toBe(value);
    expect(await cache.get('missing')).toBeUndefined();
  });

  it('round-trips a Blob', async () => {
    const cache = make<Blob>();
    await cache.put('b', new Blob(['hello']));
    const back = await cache.get('b');
    expect(await back?.text()).toBe('hello');
  });

  it('counts a stored undefined as a hit', async () => {
    const cache = make();
    await cache.put('u', undefined);
    expect(await cache.has('u')).toBe(true);
    expect(await cache.get('u')).toBeUndefined();
    expect(await cache.get('never')).toBeUndefined();
    expect(await cache.stats()).toMatchObject({ hits: 1, misses: 1, hitRatio: 0.5 });
  });

  it('rejects a non-string key with a TypeError', async () => {
    const cache = make();
    await expect(cache.get(42 as unknown as string)).rejects.toThrow(TypeError);
    await expect(cache.put({} as unknown as string, 1)).rejects.toThrow(/keys are strings/);
  });

  it('rejects a value that cannot be cloned, naming the key, and leaves the cache unchanged', async () => {
    const cache = make();
    await cache.put('kept', 1);
    const results = await Promise.allSettled([
      cache.put('ok', 2),
      cache.put('fn', () => 1),
      cache.put('kept', Symbol('no')),
    ]);
    expect(results[0].status).toBe('fulfilled');
    expect(results[1]).toMatchObject({ status: 'rejected', reason: { name: 'DataCloneError' } });
    expect(String((results[1] as PromiseRejectedResult).reason.message)).toContain('"fn"');
    expect(String((results[2] as PromiseRejectedResult).reason.message)).toContain('"kept"');
    expect((await cache.keys()).sort()).toEqual(['kept', 'ok']);
    expect(await cache.get('kept')).toBe(1);
  });

  it('sends the calls of one task as one message and matches the replies', async () => {
    const cache = make({ capacity: 5000 });
    await cache.get('warm-up');
    const posted = countPostMessages();
    const puts = Array.from({ length: 1000 }, (_, i) => cache.put(`k${i}`, i));
    const gets = Array.from({ length: 1000 }, (_, i) => cache.get(`k${i}`));
    await Promise.all(puts);
    expect(await Promise.all(gets)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(posted.stop()).toBe(1);
  });

  it('expires entries by ttl, per entry or by default', async () => {
    const cache = make({ ttl: 60 });
    await cache.put('short', 1);
    await cache.put('long', 2, { ttl: 5_000 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await cache.get('short')).toBeUndefined();
    expect(await cache.get('long')).toBe(2);
  });

  it('evicts to capacity and reports stats', async () => {
    const cache = make({ capacity: 2, persist: false, policy: 'lru' });
    await cache.put('a', 1);
    await cache.put('b', 2);
    await cache.get('a');
    await cache.put('c', 3);
    expect((await cache.keys()).sort()).toEqual(['a', 'c']);
    const stats = await cache.stats();
    expect(stats).toMatchObject({ size: 2, capacity: 2, evictions: 1, policy: 'lru', hits: 1 });
    expect(await cache.size()).toBe(2);
  });

  it('delete, has and clear do what they say', async () => {
    const cache = make();
    await cache.put('a', 1);
    expect(await cache.delete('a')).toBe(true);
    expect(await cache.delete('a')).toBe(false);
    await cache.put('b', 2);
    await cache.clear();
    expect(await cache.size()).toBe(0);
    await expect(cache.flush()).resolves.toBeUndefined();
  });

  it('invalidates entries by tag', async () => {
    const cache = make();
    await cache.put('user:1', 'ann', { tags: ['users'] });
    await cache.put('user:2', 'bob', { tags: ['users', 'admins'] });
    await cache.put('config', 'x');
    expect(await cache.invalidateTags(['users'])).toBe(2);
    expect(await cache.keys()).toEqual(['config']);
    await expect(cache.invalidateTags('users' as unknown as string[])).rejects.toThrow(TypeError);
  });

  it('peek answers from shared memory on this cross-origin-isolated page (more in fast-path.test.ts)', async ({ skip }) => {
    skip(!SHARED_MEMORY, 'this engine has no SharedArrayBuffer, even on a cross-origin isolated page');
    const cache = make();
    expect(cache.peek('a')).toBeUndefined();
    await cache.put('a', 1);
    expect(cache.peek('a')).toBe(1);
  });

  it('rejects calls after close with a CacheClosedError', async () => {
    const cache = createCache({ name: 'closing' });
    const before = cache.put('a', 1);
    await cache.close();
    await expect(before).resolves.toBeUndefined();
    await expect(cache.get('a')).rejects.toMatchObject({ name: 'CacheClosedError' });
  });

  it('supports await using', async ({ skip }) => {
    skip(typeof Symbol.asyncDispose !== 'symbol', 'this engine has no await using');
    const { usedAndDisposed } = await import('./fixtures/await-using.js');
    const closed = await usedAndDisposed();
    await expect(closed.get('a')).rejects.toMatchObject({ name: 'CacheClosedError' });
  });
});

