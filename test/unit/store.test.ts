import { describe, expect, it } from 'vitest';
import { LruPolicy } from '../../src/policies/lru.js';
import type { StoreConfig } from '../../src/protocol.js';
import { isMiss, MISS, Store } from '../../src/store.js';

const lru = (context: ConstructorParameters<typeof LruPolicy>[0]) => new LruPolicy(context);

function makeStore(config: Partial<StoreConfig> = {}, clock = { now: 0 }) {
  const full: StoreConfig = { name: 't', policy: 'lru', capacity: 3, maxBytes: undefined, ttl: undefined, ...config };
  return new Store(full, lru, () => clock.now);
}

describe('Store', () => {
  it('returns what was put, and MISS for what was not', () => {
    const store = makeStore();
    store.put('a', { n: 1 });
    expect(store.get('a')).toEqual({ n: 1 });
    expect(store.get('b')).toBe(MISS);
  });

  it('tells a miss from every value it holds, and refuses a symbol, which would look like one', () => {
    const store = makeStore({ capacity: 10 });
    const values = [undefined, null, 0, '', false, Number.NaN, {}, [], new Date(0)];
    values.forEach((value, i) => store.put(`k${i}`, value));
    for (let i = 0; i < values.length; i++) expect(isMiss(store.get(`k${i}`))).toBe(false);
    expect(isMiss(store.get('absent'))).toBe(true);
    expect(() => store.put('s', Symbol('x'))).toThrow(/value for key "s" is a symbol/);
    expect(isMiss(store.get('s'))).toBe(true);
  });

  it('treats a stored undefined as a hit', () => {
    const store = makeStore();
    store.put('u', undefined);
    expect(store.get('u')).toBeUndefined();
    expect(store.has('u')).toBe(true);
    expect(store.stats()).toMatchObject({ hits: 1, misses: 0 });
  });

  it('remembers which entries were put memory-only, and forgets it with the entry', () => {
    const store = makeStore({ capacity: 2 });
    store.put('a', 1, { memoryOnly: true });
    store.put('b', 2);
    expect([store.memoryOnly('a'), store.memoryOnly('b'), store.memoryOnly('absent')]).toEqual([true, false, false]);
    store.put('a', 3);
    expect(store.memoryOnly('a')).toBe(false);
    store.put('a', 4, { memoryOnly: true });
    store.delete('a');
    // The slot 'a' held goes to 'c', which was not put memory-only.
    store.put('c', 5);
    expect(store.memoryOnly('c')).toBe(false);
    store.put('b', 6, { memoryOnly: true });
    store.clear();
    store.put('b', 7);
    expect(store.memoryOnly('b')).toBe(false);
  });

  it('evicts the least recently used entry when over capacity', () => {
    const store = makeStore();
    store.put('a', 1);
    store.put('b', 2);
    store.put('c', 3);
    store.get('a');
    store.put('d', 4);
    expect(store.keys().sort()).toEqual(['a', 'c', 'd']);
    expect(store.stats().evictions).toBe(1);
  });

  it('a put after a miss of another key, or of an expired entry, still finds what is held', () => {
    const clock = { now: 0 };
    const store = makeStore({}, clock);
    store.put('a', 1);
    expect(store.get('x')).toBe(MISS);
    store.put('a', 2);
    expect(store.size).toBe(1);
    store.put('t', 1, { ttl: 10 });
    clock.now = 20;
    expect(store.get('t')).toBe(MISS);
    store.put('t', 2);
    store.put('t', 3);
    expect(store.size).toBe(2);
    expect(store.get('t')).toBe(3);
  });

  it('replacing a value does not grow the store', () => {
    const store = makeStore();
    for (let i = 0; i < 10; i++) store.put('a', i);
    expect(store.size).toBe(1);
    expect(store.get('a')).toBe(9);
  });

  it('never returns an expired entry, per entry or by default ttl', () => {
    const clock = { now: 1000 };
    const store = makeStore({ ttl: 100 }, clock);
    store.put('short', 1);
    store.put('long', 2, { ttl: 500 });
    store.put('forever', 3, { ttl: Infinity });
    clock.now = 1100;
    expect(store.get('short')).toBe(MISS);
    expect(store.get('long')).toBe(2);
    clock.now = 1_000_000;
    expect(store.get('long')).toBe(MISS);
    expect(store.get('forever')).toBe(3);
    expect(store.keys()).toEqual(['forever']);
    expect(store.stats().expirations).toBe(2);
  });

  it('bounds memory by maxBytes and rejects a value larger than the bound, unchanged', () => {
    const store = makeStore({ capacity: 100, maxBytes: 2_000 });
    for (let i = 0; i < 50; i++) store.put(`k${i}`, 'x'.repeat(200));
    expect(store.stats().bytes).toBeLessThanOrEqual(2_000);
    expect(store.size).toBeGreaterThan(0);
    const before = store.keys().sort();
    expect(() => store.put('huge', 'y'.repeat(5_000))).toThrow(/key "huge".*maxBytes/);
    expect(store.keys().sort()).toEqual(before);
  });

  it('counts hits, misses and the hit ratio', () => {
    const store = makeStore();
    store.put('a', 1);
    store.get('a');
    store.get('a');
    store.get('zz');
    expect(store.stats()).toMatchObject({ hits: 2, misses: 1, hitRatio: 2 / 3, size: 1, capacity: 3, policy: 'lru' });
  });

  it('delete and clear remove entries and free their slots for reuse', () => {
    const store = makeStore();
    store.put('a', 1);
    store.put('b', 2);
    expect(store.delete('a')).toBe(true);
    expect(store.delete('a')).toBe(false);
    store.clear();
    expect(store.size).toBe(0);
    for (let i = 0; i < 10; i++) store.put(`k${i}`, i);
    expect(store.keys().sort()).toEqual(['k7', 'k8', 'k9']);
  });
});
