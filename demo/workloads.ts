// Workloads the playground generates in the page, as traces of dense key ids.
import { seededRandom } from '../bench/sim/random.js';
import type { Trace } from '../bench/sim/trace.js';
import { zipfStream } from '../bench/sim/zipf.js';

export type WorkloadKind = 'zipf' | 'zipf-scan' | 'loop';

export interface WorkloadSpec {
  kind: WorkloadKind;
  keys: number;
  requests: number;
  alpha: number;
}

/** Builds a workload: Zipf over `keys`; the same with a one-off scan of new keys every 20th of the run; or a loop. */
export function generate({ kind, keys, requests, alpha }: WorkloadSpec, seed = 7): Trace {
  const random = seededRandom(seed);
  let ids: Int32Array;
  let distinct = keys;
  if (kind === 'loop') {
    ids = Int32Array.from({ length: requests }, (_, i) => i % keys);
  } else if (kind === 'zipf') {
    ids = zipfStream(keys, alpha, requests, random);
  } else {
    // A scan of keys/4 keys never seen before and never seen again, every 1/20 of the run.
    const scan = Math.max(1, Math.floor(keys / 4));
    const every = Math.max(scan * 2, Math.floor(requests / 20));
    const hot = zipfStream(keys, alpha, requests, random);
    ids = new Int32Array(requests);
    for (let i = 0; i < requests; i++) {
      const offset = i % every;
      ids[i] = offset < scan ? keys + Math.floor(i / every) * scan + offset : hot[i]!;
    }
    distinct = keys + Math.ceil(requests / every) * scan;
  }
  return { ids, keys: Array.from({ length: distinct }, (_, i) => `k${i}`) };
}
