import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../bench/sim/random.js';
import { replay } from '../../../bench/sim/replay.js';
import type { Trace } from '../../../bench/sim/trace.js';
import { LruPolicy } from '../../../src/policies/lru.js';
import { TinyLfuPolicy } from '../../../src/policies/tinylfu.js';

// Behaviour on synthetic patterns, so that it is checked without the recorded traces.

function traceOf(ids: number[]): Trace {
  return { ids: Int32Array.from(ids), keys: Array.from({ length: Math.max(...ids) + 1 }, (_, i) => `key-${i}`) };
}

/**
 * Sweeps over `keys` keys, forward then back, `sweeps` times (where LRU is optimal); after each request,
 * with probability `mixed`, one to a set of 200 other keys, a few of them hot.
 */
function sweeps(keys: number, sweeps: number, mixed = 0): Trace {
  const random = seededRandom(42);
  const ids: number[] = [];
  for (let s = 0; s < sweeps; s++) {
    for (let i = 0; i < keys; i++) {
      ids.push(s % 2 === 0 ? i : keys - 1 - i);
      if (random() < mixed) ids.push(keys + Math.floor(200 * random() ** 3));
    }
  }
  return traceOf(ids);
}

/** Passes over `keys` keys, always in the same order. */
function loop(keys: number, passes: number): Trace {
  return traceOf(Array.from({ length: keys * passes }, (_, i) => i % keys));
}

const ratio = (trace: Trace, hits: number) => (100 * hits) / trace.ids.length;
const tinylfu = (trace: Trace, capacity: number) => ratio(trace, replay(trace, (c) => new TinyLfuPolicy(c), capacity, seededRandom(1)));
const lru = (trace: Trace, capacity: number) => ratio(trace, replay(trace, (c) => new LruPolicy(c), capacity));

describe('tinylfu', () => {
  it.each([
    ['alone', 0],
    ['mixed with requests to a skewed set of other keys', 0.1],
  ])('stays within a point of LRU on sweeps that reverse, %s', (_, mixed) => {
    const trace = sweeps(3_001, 20, mixed);
    for (const capacity of [500, 1_000]) {
      expect(tinylfu(trace, capacity), `capacity ${capacity}`).toBeGreaterThanOrEqual(lru(trace, capacity) - 1);
    }
  });

  it('keeps most of a loop larger than the cache hitting, where LRU hits nothing', () => {
    const trace = loop(1_200, 30);
    expect(lru(trace, 1_000)).toBe(0);
    expect(tinylfu(trace, 1_000)).toBeGreaterThan(50);
  });
});
