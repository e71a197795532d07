// Replays a workload through each policy, off the main thread, with the simulator the benchmarks use.
import { simulate, type SimPolicy } from '../bench/sim/run.js';
import { parseTrace } from '../bench/sim/parse.js';
import { generate, type WorkloadSpec } from './workloads.js';

export const PLAYGROUND_POLICIES: readonly SimPolicy[] = ['lru', 'lfu', 'lru-ttl', 'tinylfu', 'opt'];

export type PlaygroundRequest = { capacities: number[] } & ({ spec: WorkloadSpec } | { file: ArrayBuffer; name: string });

export interface PlaygroundReply {
  requests: number;
  distinct: number;
  rows: { policy: SimPolicy; capacity: number; hitRatio: number }[];
}

self.onmessage = async (event: MessageEvent<PlaygroundRequest>) => {
  try {
    const request = event.data;
    const trace = 'spec' in request ? generate(request.spec) : parseTrace(await gunzipIfNeeded(new Uint8Array(request.file)));
    if (trace.ids.length === 0) throw new Error('the trace has no requests');
    const rows = request.capacities.flatMap((capacity) =>
      PLAYGROUND_POLICIES.map((policy) => {
        const { hitRatio } = simulate('playground', trace, policy, capacity);
        return { policy, capacity, hitRatio };
      }),
    );
    self.postMessage({ ok: true, reply: { requests: trace.ids.length, distinct: trace.keys.length, rows } satisfies PlaygroundReply });
  } catch (error) {
    self.postMessage({ ok: false, message: (error as Error).message });
  }
};

async function gunzipIfNeeded(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
