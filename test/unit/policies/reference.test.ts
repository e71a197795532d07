// Each policy, driven through the real Store by random runs, against a plain model of what it should evict.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { builtinPolicies } from '../../../src/policies/index.js';
import { MISS } from '../../../src/store.js';
import { makeStore, ops, type Op } from './harness.js';

interface ModelEntry {
  value: number;
  expiresAt: number;
  ttl: number;
  uses: number;
  lastUse: number;
}

type Chooser = (entries: Map<string, ModelEntry>) => (key: string) => boolean;

/**
 * Replays `run` on a store and on a Map model. On each eviction the store's victim must be one the model
 * allows (`allowed` returns the set of acceptable victims); hits and values must agree throughout.
 */
function check(name: keyof typeof builtinPolicies, capacity: number, run: Op[], allowed: Chooser): void {
  const clock = { now: 0 };
  const store = makeStore(builtinPolicies[name], capacity, clock);
  const model = new Map<string, ModelEntry>();
  let tick = 0;
  let value = 0;
  const expire = () => {
    for (const [key, entry] of model) if (entry.expiresAt <= clock.now) model.delete(key);
  };
  for (const step of run) {
    tick++;
    if (step.op === 'tick') {
      clock.now += step.ms;
      continue;
    }
    expire();
    if (step.op === 'get') {
      const entry = model.get(step.key);
      const got = store.get(step.key);
      if (entry) {
        expect(got).toBe(entry.value);
        entry.uses++;
        entry.lastUse = tick;
      } else {
        expect(got).toBe(MISS);
      }
    } else if (step.op === 'delete') {
      expect(store.delete(step.key)).toBe(model.delete(step.key));
    } else {
      const expiresAt = step.ttl === Infinity ? Infinity : Math.ceil(clock.now + step.ttl);
      const old = model.get(step.key);
      const entry = { value: ++value, expiresAt, ttl: step.ttl, uses: old ? old.uses + 1 : 1, lastUse: tick };
      store.put(step.key, entry.value, { ttl: step.ttl });
      model.set(step.key, entry);
      if (model.size > capacity) {
        const held = new Set(store.keys());
        const gone = [...model.keys()].filter((key) => !held.has(key));
        expect(gone).toHaveLength(1);
        expect(allowed(model)(gone[0]!)).toBe(true);
        model.delete(gone[0]!);
      }
    }
    expect(new Set(store.keys())).toEqual(new Set(model.keys()));
    expect(store.size).toBe(model.size);
  }
}

/** The entries that minimise `score`, then the least recently used among them. */
function argmin(score: (entry: ModelEntry) => number): Chooser {
  return (entries) => {
    let best: [string, ModelEntry] | undefined;
    for (const pair of entries) {
      const [, entry] = pair;
      if (!best || score(entry) < score(best[1]) || (score(entry) === score(best[1]) && entry.lastUse < best[1].lastUse)) best = pair;
    }
    return (key) => key === best?.[0];
  };
}

const capacities = fc.integer({ min: 1, max: 6 });
const TTLS = [5, 10, 40, Infinity];

describe('policies against reference models', () => {
  it('lru evicts the least recently used entry', () => {
    fc.assert(fc.property(capacities, ops(TTLS), (capacity, run) => check('lru', capacity, run, argmin(() => 0))));
  });

  it('lfu evicts an entry of least frequency, the least recently used of them', () => {
    fc.assert(fc.property(capacities, ops(TTLS), (capacity, run) => check('lfu', capacity, run, argmin((e) => e.uses))));
  });

  it('ttl evicts an entry that expires soonest, among those without a ttl the least recently used', () => {
    const soonest: Chooser = (entries) => {
      const min = Math.min(...[...entries.values()].map((e) => e.expiresAt));
      if (min === Infinity) return argmin(() => 0)(entries);
      return (key) => entries.get(key)?.expiresAt === min;
    };
    fc.assert(fc.property(capacities, ops(TTLS), (capacity, run) => check('ttl', capacity, run, soonest)));
  });

  it('lru-ttl evicts the least recently used entry with a ttl, and only then one without', () => {
    fc.assert(
      fc.property(capacities, ops(TTLS), (capacity, run) => check('lru-ttl', capacity, run, argmin((e) => (e.ttl === Infinity ? 1 : 0)))),
    );
  });

  it('tinylfu keeps within capacity, never returns what expired, and agrees with what it holds', () => {
    const any: Chooser = () => () => true;
    fc.assert(fc.property(capacities, ops(TTLS), (capacity, run) => check('tinylfu', capacity, run, any)));
  });
});
