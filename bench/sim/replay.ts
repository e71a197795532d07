import { hashA, seedFrom } from '../../src/hash.js';
import type { PolicyFactory } from '../../src/policies/policy.js';
import type { Trace } from './trace.js';

const NONE = -1;

/**
 * Replays `trace` through a policy with room for `capacity` entries and counts the hits. It drives the
 * policy exactly as the Store does (a read, and on a miss an insert into the spare slot, then one eviction
 * when over capacity), with the store's key-to-slot map replaced by arrays indexed by key id, so that the
 * policy's own cost dominates. Keys are hashed once each, as the store would hash them, with the seed drawn
 * from `random` in the store's order.
 */
export function replay(trace: Trace, factory: PolicyFactory, capacity: number, random?: () => number): number {
  const policy = factory({ capacity, now: () => 0, ...(random ? { random } : {}) });
  const { ids, keys } = trace;
  const seed = seedFrom(random);
  const hashes = Int32Array.from(keys, (key) => hashA(key, seed));
  const slotOf = new Int32Array(keys.length).fill(NONE);
  const idOf = new Int32Array(capacity + 1);
  const free = new Int32Array(capacity + 1);
  let freeCount = 0;
  let used = 0;
  let held = 0;
  let hits = 0;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    const slot = slotOf[id]!;
    if (slot !== NONE) {
      hits++;
      policy.onHit(slot);
      continue;
    }
    const key = keys[id]!;
    const hash = hashes[id]!;
    policy.onMiss(key, hash);
    const fresh = freeCount > 0 ? free[--freeCount]! : used++;
    slotOf[id] = fresh;
    idOf[fresh] = id;
    policy.onInsert(fresh, key, Infinity, Infinity, hash);
    if (++held > capacity) {
      const victim = policy.victim();
      policy.onRemove(victim);
      slotOf[idOf[victim]!] = NONE;
      free[freeCount++] = victim;
      held--;
    }
  }
  return hits;
}
