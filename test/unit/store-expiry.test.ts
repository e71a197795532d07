import { describe, expect, it } from 'vitest';
import { builtinPolicies } from '../../src/policies/index.js';
import type { BuiltinPolicy, StoreConfig } from '../../src/protocol.js';
import { isMiss, MISS, Store } from '../../src/store.js';

const POLICIES = Object.keys(builtinPolicies) as BuiltinPolicy[];

function makeStore(policy: BuiltinPolicy, config: Partial<StoreConfig> = {}, now: () => number = () => 0) {
  const full: StoreConfig = { name: 't', policy, capacity: 100, maxBytes: undefined, ttl: undefined, ...config };
  return new Store(full, builtinPolicies[policy], now);
}

describe.each(POLICIES)('Store with %s', (policy) => {
  it('reclaims expired entries without reading them, and counts size in O(1)', () => {
    const clock = { now: 1_000 };
    const store = makeStore(policy, {}, () => clock.now);
    for (let i = 0; i < 50; i++) store.put(`short${i}`, i, { ttl: 100 });
    for (let i = 0; i < 20; i++) store.put(`long${i}`, i, { ttl: 60_000 });
    store.put('forever', 1);
    expect(store.size).toBe(71);
    clock.now = 1_100;
    expect(store.size).toBe(21);
    expect(store.stats().expirations).toBe(50);
    clock.now = 10_000_000;
    expect(store.keys()).toEqual(['forever']);
    expect(store.stats()).toMatchObject({ size: 1, expirations: 70 });
  });

  it('never returns an entry at or after its expiry, to the millisecond', () => {
    const clock = { now: 0.25 };
    const store = makeStore(policy, {}, () => clock.now);
    store.put('k', 'v', { ttl: 10 });
    clock.now = 10.9;
    expect(store.get('k')).toBe('v');
    clock.now = 11;
    expect(store.get('k')).toBe(MISS);
    expect(store.has('k')).toBe(false);
  });

  it('does not read the clock for entries without a ttl', () => {
    let reads = 0;
    const store = makeStore(policy, {}, () => (reads++, 0));
    store.put('a', 1);
    store.get('a');
    store.get('b');
    store.has('a');
    store.delete('a');
    expect(store.size).toBe(0);
    expect(reads).toBe(0);
  });

  it('entries put before the first ttl never expire, and later ones without a ttl neither', () => {
    const clock = { now: 0 };
    const store = makeStore(policy, {}, () => clock.now);
    store.put('before', 1);
    store.put('short', 2, { ttl: 10 });
    store.put('after', 3);
    clock.now = 1_000_000;
    expect([store.get('before'), store.get('short'), store.get('after')]).toEqual([1, MISS, 3]);
    expect(store.size).toBe(2);
  });

  it('a new ttl, or none, replaces the old one', () => {
    const clock = { now: 0 };
    const store = makeStore(policy, {}, () => clock.now);
    store.put('a', 1, { ttl: 10 });
    store.put('a', 2, { ttl: Infinity });
    store.put('b', 1, { ttl: Infinity });
    store.put('b', 2, { ttl: 10 });
    clock.now = 100;
    expect(store.get('a')).toBe(2);
    expect(store.get('b')).toBe(MISS);
  });

  it('bounds memory by maxBytes', () => {
    const store = makeStore(policy, { capacity: 1000, maxBytes: 10_000 });
    for (let i = 0; i < 500; i++) store.put(`k${i}`, 'x'.repeat(i % 50), { size: 100 + (i % 7) * 50 });
    expect(store.stats().bytes).toBeLessThanOrEqual(10_000);
    expect(store.size).toBeGreaterThan(10);
  });

  it('keeps within capacity over many distinct keys', () => {
    const store = makeStore(policy, { capacity: 50 });
    for (let i = 0; i < 5_000; i++) {
      if (isMiss(store.get(`k${i % 300}`))) store.put(`k${i % 300}`, i, i % 3 === 0 ? { ttl: 1e9 } : {});
    }
    expect(store.size).toBeLessThanOrEqual(50);
    expect(store.size).toBeGreaterThan(0);
  });
});
