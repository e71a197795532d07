import { afterEach, describe, expect, it } from 'vitest';
import { createCache, memoize, type MemoContext, type TabCache } from '../../src/index.js';

const open: TabCache<unknown>[] = [];
function make(): TabCache<unknown> {
  const cache = createCache({ name: `memo-${Math.random()}` });
  open.push(cache);
  return cache;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((cache) => cache.close()));
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A function that counts its calls and resolves when told to. */
function controlled<T>() {
  const calls: { args: unknown[]; signal: AbortSignal; resolve(value: T): void; reject(error: unknown): void }[] = [];
  const fn = function (this: MemoContext, ...args: unknown[]): Promise<T> {
    return new Promise<T>((resolve, reject) => calls.push({ args, signal: this.signal, resolve, reject }));
  };
  return { fn, calls };
}

/** Waits until `check` holds, or fails after a while. */
async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await sleep(10);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('memoize in one tab', () => {
  it('runs fn once for concurrent calls with one key, then answers from the cache', async () => {
    let runs = 0;
    const double = memoize(async (n: number) => {
      runs++;
      await sleep(20);
      return { doubled: n * 2 };
    }, { cache: make() });
    const results = await Promise.all(Array.from({ length: 20 }, () => double(21)));
    expect(runs).toBe(1);
    expect(results.every((result) => result.doubled === 42)).toBe(true);
    expect(await double(21)).toEqual({ doubled: 42 });
    expect(await double(1)).toEqual({ doubled: 2 });
    expect(runs).toBe(2);
  });

  it('keys objects by content, whatever the order of their keys', async () => {
    let runs = 0;
    const cache = make();
    const find = memoize(async (query: { a: number; b: string }) => ++runs + query.a, { cache });
    expect(await find({ a: 1, b: 'x' })).toBe(2);
    expect(await find({ b: 'x', a: 1 })).toBe(2);
    expect(await find({ a: 2, b: 'x' })).toBe(4);
    expect(await cache.size()).toBe(2);
  });

  it('keeps results undefined and null like any other', async () => {
    let runs = 0;
    const nothing = memoize(async (which: 'u' | 'n') => {
      runs++;
      return which === 'u' ? undefined : null;
    }, { cache: make() });
    expect(await nothing('u')).toBeUndefined();
    expect(await nothing('u')).toBeUndefined();
    expect(await nothing('n')).toBeNull();
    expect(await nothing('n')).toBeNull();
    expect(runs).toBe(2);
  });

  it('gives a rejection to every waiter, keeps nothing, and runs fn again on the next call', async () => {
    const cache = make();
    const { fn, calls } = controlled<string>();
    const load = memoize(fn, { cache, namespace: 'load' });
    const waiting = [load('a'), load('a'), load('a')].map((promise) => promise.catch((error: Error) => error.message));
    await until(() => calls.length === 1, 'the first run');
    calls[0]!.reject(new Error('upstream down'));
    expect(await Promise.all(waiting)).toEqual(['upstream down', 'upstream down', 'upstream down']);
    expect(await cache.keys()).toEqual([]);
    const retry = load('a');
    await until(() => calls.length === 2, 'a second run');
    calls[1]!.resolve('ok');
    expect(await retry).toBe('ok');
    expect(calls).toHaveLength(2);
  });

  it('rejects arguments it cannot key with a TypeError, unless a key option is given', async () => {
    let runs = 0;
    const apply = memoize(async (callback: () => number) => callback() + ++runs, { cache: make() });
    await expect(apply(() => 1)).rejects.toThrow(TypeError);
    await expect(apply(() => 1)).rejects.toThrow(/arguments\[0\] is a function/);
    expect(runs).toBe(0);
    const keyed = memoize(async (callback: () => number) => callback() + ++runs, { cache: make(), key: () => 'one' });
    expect(await keyed(() => 10)).toBe(11);
    expect(await keyed(() => 20)).toBe(11);
  });

  it('keeps functions that share a cache apart by namespace', async () => {
    const cache = make();
    const a = memoize(async (n: number) => `a${n}`, { cache, namespace: 'a' });
    const b = memoize(async (n: number) => `b${n}`, { cache, namespace: 'b' });
    expect([await a(1), await b(1), await a(1), await b(1)]).toEqual(['a1', 'b1', 'a1', 'b1']);
    const named = memoize(async function square(n: number) {
      return n * n;
    }, { cache });
    await named(3);
    expect((await cache.keys()).sort()).toEqual(['a[d1]', 'b[d1]', 'square[d3]']);
  });

  it('does not keep results that shouldCache refuses', async () => {
    let runs = 0;
    const load = memoize(async (n: number) => (++runs, n), { cache: make(), shouldCache: (value) => value > 0 });
    await load(0);
    await load(0);
    await load(1);
    await load(1);
    expect(runs).toBe(3);
  });

  it('checks its options, naming the one at fault', () => {
    const fn = async () => 1;
    expect(() => memoize(fn, { ttl: -5 })).toThrow(RangeError);
    expect(() => memoize(fn, { ttl: -5 })).toThrow(/'ttl'/);
    expect(() => memoize(fn, { staleWhileRevalidate: 100 })).toThrow(/'staleWhileRevalidate' needs a finite 'ttl'/);
    expect(() => memoize(fn, { ttl: 10, staleWhileRevalidate: -1 })).toThrow(/'staleWhileRevalidate'/);
    expect(() => memoize(fn, { key: 'k' as never })).toThrow(/'key' must be a function/);
    expect(() => memoize(fn, { tags: 'user' as never })).toThrow(/'tags'/);
    expect(() => memoize(fn, { tll: 5 } as never)).toThrow(/unknown memoize option 'tll'/);
    expect(() => memoize('fn' as never)).toThrow(/needs a function/);
    expect(() => memoize(fn, { cache: 5 as never })).toThrow(/'cache'/);
  });
});

describe('memoize with an AbortSignal', () => {
  it('lets one caller stop waiting without aborting the others', async () => {
    const { fn, calls } = controlled<string>();
    const load = memoize(fn, { cache: make(), namespace: 'abort1' });
    const first = new AbortController();
    const second = new AbortController();
    const a = load.withSignal(first.signal)('x');
    const b = load.withSignal(second.signal)('x');
    await until(() => calls.length === 1, 'the run');
    first.abort(new Error('left'));
    await expect(a).rejects.toThrow('left');
    expect(calls[0]!.signal.aborted).toBe(false);
    calls[0]!.resolve('done');
    expect(await b).toBe('done');
    expect(await load('x')).toBe('done');
    expect(calls).toHaveLength(1);
  });

  it('aborts fn once every waiter has gone, keeps nothing, and starts afresh for the next caller', async () => {
    const cache = make();
    const { fn, calls } = controlled<string>();
    const load = memoize(fn, { cache, namespace: 'abort2' });
    const controllers = [new AbortController(), new AbortController()];
    const waiting = controllers.map((controller) => load.withSignal(controller.signal)('x').catch((error: Error) => error.message));
    await until(() => calls.length === 1, 'the run');
    controllers[0]!.abort(new Error('gone 0'));
    expect(calls[0]!.signal.aborted).toBe(false);
    controllers[1]!.abort(new Error('gone 1'));
    expect(calls[0]!.signal.aborted).toBe(true);
    expect(await Promise.all(waiting)).toEqual(['gone 0', 'gone 1']);
    calls[0]!.reject(calls[0]!.signal.reason);
    const next = load('x');
    await until(() => calls.length === 2, 'a new run');
    calls[1]!.resolve('fresh');
    expect(await next).toBe('fresh');
    expect(await cache.size()).toBe(1);
  });

  it('rejects at once with a signal already aborted, and runs nothing', async () => {
    const { fn, calls } = controlled<string>();
    const load = memoize(fn, { cache: make(), namespace: 'abort3' });
    await expect(load.withSignal(AbortSignal.abort(new Error('early')))('x')).rejects.toThrow('early');
    expect(calls).toHaveLength(0);
  });

  it('keeps fn running while a caller without a signal waits', async () => {
    const { fn, calls } = controlled<string>();
    const load = memoize(fn, { cache: make(), namespace: 'abort4' });
    const controller = new AbortController();
    const aborted = load.withSignal(controller.signal)('x').catch(() => 'aborted');
    const plain = load('x');
    await until(() => calls.length === 1, 'the run');
    controller.abort();
    expect(await aborted).toBe('aborted');
    expect(calls[0]!.signal.aborted).toBe(false);
    calls[0]!.resolve('kept');
    expect(await plain).toBe('kept');
  });
});

describe('memoize with ttl and staleWhileRevalidate', () => {
  it('runs fn again once the ttl has passed', async () => {
    let runs = 0;
    const load = memoize(async () => ++runs, { cache: make(), ttl: 100, namespace: 'ttl' });
    expect(await load()).toBe(1);
    expect(await load()).toBe(1);
    await sleep(150);
    expect(await load()).toBe(2);
  });

  it('returns a stale value at once within the window and refreshes it once in the background', async () => {
    const { fn, calls } = controlled<string>();
    const load = memoize(fn, { cache: make(), ttl: 100, staleWhileRevalidate: 5_000, namespace: 'swr' });
    const first = load();
    await until(() => calls.length === 1, 'the first run');
    calls[0]!.resolve('v1');
    expect(await first).toBe('v1');
    await sleep(150);
    // Stale: answered at once, though the refresh it starts has not finished.
    expect(await Promise.all([load(), load(), load()])).toEqual(['v1', 'v1', 'v1']);
    await until(() => calls.length === 2, 'the background refresh');
    expect(await load()).toBe('v1');
    calls[1]!.resolve('v2');
    await until(async () => (await load()) === 'v2', 'the refreshed value');
    expect(calls).toHaveLength(2);
  });

  it('keeps the stale value when a refresh fails, until the window ends', async () => {
    const { fn, calls } = controlled<string>();
    const load = memoize(fn, { cache: make(), ttl: 100, staleWhileRevalidate: 600, namespace: 'swr-fail' });
    const first = load();
    await until(() => calls.length === 1, 'the first run');
    calls[0]!.resolve('v1');
    await first;
    await sleep(150);
    expect(await load()).toBe('v1');
    await until(() => calls.length === 2, 'the refresh');
    calls[1]!.reject(new Error('refresh failed'));
    // Each call in the window still gets the stale value, and starts a refresh once the failed one has ended.
    await until(async () => (await load()) === 'v1' && calls.length === 3, 'another refresh');
    calls[2]!.reject(new Error('refresh failed again'));
    await sleep(700);
    // The window has ended: the caller now waits for fn.
    const late = load();
    await until(() => calls.length === 4, 'a run after the window');
    calls[3]!.resolve('v2');
    expect(await late).toBe('v2');
  });
});

describe('memoize invalidation', () => {
  it('invalidate drops one result; refresh recomputes it at once', async () => {
    let runs = 0;
    const load = memoize(async (id: number) => `${id}:${++runs}`, { cache: make() });
    expect(await load(1)).toBe('1:1');
    expect(await load(2)).toBe('2:2');
    await load.invalidate(1);
    expect(await load(1)).toBe('1:3');
    expect(await load(2)).toBe('2:2');
    expect(await load.refresh(2)).toBe('2:4');
    expect(await load(2)).toBe('2:4');
    expect(runs).toBe(4);
  });

  it('does not store the result of a run that was invalidated while it ran', async () => {
    const cache = make();
    const { fn, calls } = controlled<string>();
    const load = memoize(fn, { cache, namespace: 'inv' });
    const running = load('x');
    await until(() => calls.length === 1, 'the run');
    await load.invalidate('x');
    calls[0]!.resolve('before the write');
    expect(await running).toBe('before the write');
    expect(await cache.size()).toBe(0);
    const next = load('x');
    await until(() => calls.length === 2, 'a new run');
    calls[1]!.resolve('after the write');
    expect(await next).toBe('after the write');
  });

  it('a failed refresh rejects and keeps the old result', async () => {
    let fail = false;
    const load = memoize(async () => {
      if (fail) throw new Error('nope');
      return 'old';
    }, { cache: make(), namespace: 'refresh-fail' });
    await load();
    fail = true;
    await expect(load.refresh()).rejects.toThrow('nope');
    expect(await load()).toBe('old');
  });

  it('drops results by tag through cache.invalidateTags', async () => {
    const cache = make();
    let runs = 0;
    const user = memoize(async (id: number) => ({ id, run: ++runs }), { cache, tags: (id) => [`user:${id}`, 'users'] });
    await user(1);
    await user(2);
    expect(await cache.invalidateTags(['user:1'])).toBe(1);
    expect(await user(1)).toEqual({ id: 1, run: 3 });
    expect(await user(2)).toEqual({ id: 2, run: 2 });
    expect(await cache.invalidateTags(['users'])).toBe(2);
    expect(await user(2)).toEqual({ id: 2, run: 4 });
  });

  it('invalidateAfter and refreshAfter act once the write resolves, and not when it rejects', async () => {
    const db = new Map([[1, 'ann'], [2, 'bob']]);
    let reads = 0;
    const getName = memoize(async (id: number) => (reads++, db.get(id)), { cache: make() });
    const rename = async (id: number, name: string) => {
      if (!name) throw new Error('empty name');
      db.set(id, name);
      return id;
    };
    const renameAndInvalidate = getName.invalidateAfter(rename, (id) => [id]);
    const renameAndRefresh = getName.refreshAfter(rename, (id) => [id]);
    expect([await getName(1), await getName(2)]).toEqual(['ann', 'bob']);

    expect(await renameAndInvalidate(1, 'anna')).toBe(1);
    expect(reads).toBe(2);
    expect(await getName(1)).toBe('anna');
    expect(reads).toBe(3);

    expect(await renameAndRefresh(2, 'bobby')).toBe(2);
    expect(reads).toBe(4);
    expect(await getName(2)).toBe('bobby');
    expect(reads).toBe(4);

    await expect(renameAndInvalidate(1, '')).rejects.toThrow('empty name');
    expect(await getName(1)).toBe('anna');
    expect(reads).toBe(4);
  });
});
