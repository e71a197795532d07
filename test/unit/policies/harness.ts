import type { PolicyFactory } from '../../../src/policies/policy.js';
import type { StoreConfig } from '../../../src/protocol.js';
import { Store } from '../../../src/store.js';
import fc from 'fast-check';

/** One operation of a random run against a store. */
export type Op =
  | { op: 'get'; key: string }
  | { op: 'put'; key: string; ttl: number }
  | { op: 'delete'; key: string }
  | { op: 'tick'; ms: number };

const KEYS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];

/** Random runs over a few keys, so that hits, updates and evictions all happen; `ttls` are the ttls puts draw. */
export function ops(ttls: readonly number[] = [Infinity]): fc.Arbitrary<Op[]> {
  const key = fc.constantFrom(...KEYS);
  return fc.array(
    fc.oneof(
      { weight: 4, arbitrary: key.map((k) => ({ op: 'get' as const, key: k })) },
      { weight: 4, arbitrary: fc.record({ op: fc.constant('put' as const), key, ttl: fc.constantFrom(...ttls) }) },
      { weight: 1, arbitrary: key.map((k) => ({ op: 'delete' as const, key: k })) },
      { weight: ttls.length > 1 ? 2 : 0, arbitrary: fc.integer({ min: 1, max: 30 }).map((ms) => ({ op: 'tick' as const, ms })) },
    ),
    { maxLength: 300 },
  );
}

export function makeStore(policy: PolicyFactory, capacity: number, clock: { now: number }, seed = 1): Store {
  const config: StoreConfig = { name: 't', policy: 'test', capacity, maxBytes: undefined, ttl: undefined };
  let state = seed;
  const random = () => ((state = (Math.imul(state, 48271) + 11) % 2147483647) & 0x7fffffff) / 2147483648;
  return new Store(config, policy, () => clock.now, { random });
}
