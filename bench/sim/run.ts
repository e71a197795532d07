import { builtinPolicies } from '../../src/policies/index.js';
import type { BuiltinPolicy } from '../../src/protocol.js';
import { optimalHits } from './opt.js';
import { seededRandom } from './random.js';
import { replay } from './replay.js';
import type { Trace } from './trace.js';

/** Policies the simulator knows: the built-in ones, and Belady's offline optimum. */
export type SimPolicy = BuiltinPolicy | 'opt';
export const SIM_POLICIES: readonly SimPolicy[] = [...(Object.keys(builtinPolicies) as BuiltinPolicy[]), 'opt'];

export interface SimResult {
  trace: string;
  policy: SimPolicy;
  capacity: number;
  hits: number;
  requests: number;
  hitRatio: number;
  /** Wall time of the replay alone, in milliseconds. */
  ms: number;
}

/** Replays `trace` through `policy` at `capacity`. Randomised policies draw from a generator seeded with `seed`. */
export function simulate(name: string, trace: Trace, policy: SimPolicy, capacity: number, seed = 1): SimResult {
  const started = performance.now();
  const hits =
    policy === 'opt' ? optimalHits(trace, capacity) : replay(trace, builtinPolicies[policy], capacity, seededRandom(seed));
  const ms = performance.now() - started;
  const requests = trace.ids.length;
  return { trace: name, policy, capacity, hits, requests, hitRatio: requests === 0 ? 0 : hits / requests, ms };
}
