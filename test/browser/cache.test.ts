import { describe, expect, it } from 'vitest';
import { Connection } from '../../src/client/connection.js';
import { workerLinks } from '../../src/client/link.js';
import { connect, createCache, memoize, memoizeFetch } from '../../src/index.js';
import { resolveOptions } from '../../src/options.js';
import { serve } from '../../src/worker/index.js';
import { cacheMaker, countPostMessages } from './support/caches.js';
import { storedRecords, touchedKeys } from './support/idb.js';
import { SHARED_MEMORY } from './support/engine.js';

const make = cacheMaker('t');
const typeError = (message: string) => ({ name: 'TypeError', message });

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

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

  it('fails only the put whose value throws while it is cloned, with that error and its key', async () => {
    const cache = make();
    const throwing = {
      get field() {
        throw new RangeError('no field today');
      },
    };
    let deep: unknown = 'bottom';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    await cache.put('ok', 0);
    const results = await Promise.allSettled([
      cache.put('b1', 1),
      cache.put('getter', throwing),
      cache.put('deep', deep),
      cache.put('fn', () => 1),
      cache.get('ok'),
    ]);
    expect(results[0]).toEqual({ status: 'fulfilled', value: undefined });
    expect(results[1]).toMatchObject({ status: 'rejected', reason: { name: 'RangeError', message: 'tabcache: the value for key "getter" cannot be stored: no field today' } });
    // Each engine's own error for too much recursion: RangeError in Chromium and WebKit, InternalError in Firefox.
    expect(results[2]).toMatchObject({ status: 'rejected', reason: { name: expect.stringMatching(/^(RangeError|InternalError)$/), message: expect.stringMatching(/^tabcache: the value for key "deep" cannot be stored: /) } });
    expect(results[3]).toMatchObject({ status: 'rejected', reason: { name: 'DataCloneError', message: expect.stringContaining('"fn"') } });
    expect(results[4]).toEqual({ status: 'fulfilled', value: 0 });
    expect((await cache.keys()).sort()).toEqual(['b1', 'ok']);
  });

  it('refuses a value that holds shared memory, which writes after the put would change', async ({ skip }) => {
    skip(!SHARED_MEMORY, 'this engine has no SharedArrayBuffer, even on a cross-origin isolated page');
    const cache = make();
    const shared = new Uint8Array(new SharedArrayBuffer(4));
    const puts = await Promise.allSettled([
      cache.put('sab', shared.buffer),
      cache.put('view', { bytes: shared }),
      cache.put('plain', new Uint8Array([1, 2])),
    ]);
    for (const outcome of puts.slice(0, 2)) {
      expect(outcome).toMatchObject({ status: 'rejected', reason: { name: 'TypeError', message: expect.stringMatching(/may not hold a SharedArrayBuffer.*copy it into an ArrayBuffer/) } });
    }
    expect(puts[2]).toMatchObject({ status: 'fulfilled' });
    shared[0] = 7;
    expect(await Promise.all([cache.has('sab'), cache.has('view'), cache.get('plain')])).toEqual([false, false, new Uint8Array([1, 2])]);
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

  it.each([
    ['hits read from shared memory', {}],
    ['hits read over messages', { sharedBytes: 0 }],
  ])('keeps an entry put with persist: false in memory only, removing the copies IndexedDB and other tabs held (%s)', async (_, options) => {
    const cache = make(options);
    const other = make({ ...options, name: cache.name });
    await cache.put('k', 'older');
    await cache.flush();
    expect(await other.get('k')).toBe('older');
    await cache.put('k', 'newer', { persist: false });
    await cache.flush();
    expect(await cache.get('k')).toBe('newer');
    expect((await storedRecords(cache.name)).map((record) => record.key)).not.toContain('k');
    await expect.poll(() => other.get('k')).toBeUndefined();
    // A tab opened later, or this one after a reload, is not served the older value.
    expect(await make({ name: cache.name }).get('k')).toBeUndefined();
    // Reads of it write no access time back either, which would name the key.
    expect(await cache.get('k')).toBe('newer');
    await cache.flush();
    expect(await touchedKeys(cache.name)).not.toContain('k');
  });

  it('does not write a put with persist: false even when a persisted put of the key is still queued', async () => {
    const cache = make();
    await cache.put('kept', 1);
    void cache.put('k', 'older');
    await cache.put('k', 'newer', { persist: false });
    await cache.flush();
    expect((await storedRecords(cache.name)).map((record) => record.key)).toEqual(['kept']);
    expect(await cache.get('k')).toBe('newer');
  });

  it('checks the options of put, naming the one at fault', async () => {
    const cache = make();
    await expect(cache.put('k', 1, null as never)).rejects.toMatchObject(typeError('tabcache: put options must be an object, got null'));
    await expect(cache.put('k', 1, 'forever' as never)).rejects.toMatchObject(typeError('tabcache: put options must be an object, got "forever"'));
    await expect(cache.put('k', 1, { persist: 'no' } as never)).rejects.toMatchObject(typeError(`tabcache: option 'persist' must be a boolean, got "no"`));
    await expect(cache.put('k', 1, { persit: false } as never)).rejects.toMatchObject(typeError(`tabcache: unknown put option 'persit'`));
    await expect(cache.put('k', 1, { durable: 1 } as never)).rejects.toMatchObject(typeError(`tabcache: option 'durable' must be a boolean, got number 1`));
    await expect(cache.put('k', 1, { durable: true, persist: false })).rejects.toMatchObject(
      typeError('tabcache: a put cannot be both durable and kept in memory only (persist: false)'),
    );
    expect(await cache.has('k')).toBe(false);
  });

  it('has the worker refuse a put whose persist or durable field is out of shape, as from a client of another build', async () => {
    const url = new URL('../../src/worker/entry.ts', import.meta.url);
    const { worker: _, ...config } = resolveOptions({ name: `wire-${Math.random()}`, sharedBytes: 0 });
    const connection = new Connection(workerLinks(url, () => new Worker(url, { type: 'module' })), config);
    const put = (flags: object) => connection.send({ op: 'put', key: 'k', value: 1, ttl: undefined, tags: undefined, ...flags } as never);
    await expect(put({ persist: true })).rejects.toMatchObject(typeError(`tabcache: the wire field 'persist' of a put must be false or absent, got boolean true`));
    await expect(put({ durable: false })).rejects.toMatchObject(typeError(`tabcache: the wire field 'durable' of a put must be true or absent, got boolean false`));
    await expect(put({ durable: true, persist: false })).rejects.toMatchObject(typeError('tabcache: a put cannot be both durable and kept in memory only (persist: false)'));
    await expect(put({ persist: false })).resolves.toBeUndefined();
    await expect(put({ durable: true })).resolves.toBeUndefined();
    await connection.close();
  });

  it('names the options argument when the public API is given null for it', () => {
    expect(thrown(() => connect(null as never))).toMatchObject(typeError('tabcache: connect options must be an object, got null'));
    expect(thrown(() => make().share(null as never))).toMatchObject(typeError('tabcache: share options must be an object, got null'));
    expect(thrown(() => serve(null as never))).toMatchObject(typeError('tabcache: serve options must be an object, got null'));
    expect(thrown(() => memoize(async () => 1, null as never))).toMatchObject(typeError('tabcache: memoize options must be an object, got null'));
    expect(thrown(() => memoizeFetch(null as never))).toMatchObject(typeError('tabcache: memoizeFetch options must be an object, got null'));
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

