// Runs in Chromium (cross-origin isolated): the latency of a get hit served from shared memory against the
// same hit over messages, a raw postMessage ping, and an in-thread Map.get, for JSON values of three sizes.
import { createCache } from '../src/index.js';
import { Decoder } from '../src/shared-memory/decode.js';
import { Encoder } from '../src/shared-memory/encode.js';
import { SharedStructures, SharedStructuresView } from '../src/shared-memory/structures.js';

export interface Row {
  what: string;
  size: string;
  /** Bytes of the value as JSON. */
  jsonBytes: number;
  /** Hits per sample: each sample is the mean of that many consecutive hits (the page's clock ticks in 5 µs). */
  perSample: number;
  samples: number;
  medianUs: number;
  p99Us: number;
}

export interface Result {
  isolated: boolean;
  fastPathActive: boolean;
  rows: Row[];
}

/** A JSON document of about `bytes` bytes: records like an API's. */
function documentOf(bytes: number): unknown {
  const items: unknown[] = [];
  for (let i = 0; JSON.stringify(items).length < bytes - 40; i++) {
    items.push({ id: i, name: `item ${i}`, price: Math.round(i * 125) / 100, inStock: i % 3 !== 0, tags: ['a', 'bc'] });
  }
  return { page: 1, items };
}

/**
 * What is measured, hits per sample, one hit, whether a hit is a promise to wait for, and what to do before
 * each sample, untimed.
 */
type Candidate = [what: string, perSample: number, hit: (i: number) => unknown, async: boolean, prepare?: () => Promise<unknown>];

/** Keeps results alive so that the engine cannot drop the reads. */
let sink: unknown;

export async function run(rounds: number, samplesPerRound: number): Promise<Result> {
  const sizes: [string, number][] = [['~100 B', 100], ['~1 KB', 1_000], ['~10 KB', 10_000]];
  const fast = createCache({ name: 'bench-fast', capacity: 100 });
  const slow = createCache({ name: 'bench-messages', capacity: 100, sharedBytes: 0 });
  const echo = new Worker(new URL('./pages/echo-worker.ts', import.meta.url), { type: 'module' });
  const ping = (key: string) =>
    new Promise<unknown>((resolve) => {
      echo.addEventListener('message', (event) => resolve(event.data), { once: true });
      echo.postMessage({ op: 'get', key });
    });
  const map = new Map<string, unknown>();
  const rows: Row[] = [];
  // The codec as a table uses it, with shapes shared through a buffer of their own.
  const shapes = new SharedArrayBuffer(64 * 1024);
  const encoder = new Encoder(new SharedStructures(shapes, 0, shapes.byteLength));
  const decoder = new Decoder(new SharedStructuresView(shapes, 0));

  for (const [size, bytes] of sizes) {
    const value = documentOf(bytes);
    const key = `doc${bytes}`;
    await fast.put(key, value);
    await slow.put(key, value);
    map.set(key, value);
    echo.postMessage({ op: 'put', key, value });
    const packed = encoder.encode(value)!.slice();
    const json = new TextEncoder().encode(JSON.stringify(value));
    const text = new TextDecoder();
    if (fast.peek(key) === undefined) throw new Error(`the ${size} value is not in shared memory`);
    // Written anew before each sample, so that each read is the first of its value: decoded, not copied.
    const rewritten = Array.from({ length: 20 }, (_, i) => `${key}:${i}`);
    const rewrite = () => Promise.all(rewritten.map((k) => fast.put(k, value)));
    const candidates: Candidate[] = [
      ['fast path: await get', 20, () => fast.get(key), true],
      ['fast path: peek', 20, () => fast.peek(key), false],
      ['fast path: peek, first read of a value', 20, (i) => fast.peek(rewritten[i]!), false, rewrite],
      ['message path: await get', 1, () => slow.get(key), true],
      ['raw postMessage ping', 1, () => ping(key), true],
      ['in-thread Map.get', 1_000, () => map.get(key), false],
      ['decode only: our codec (msgpackr records)', 20, () => decoder.decode(packed), false],
      ['decode only: JSON.parse', 20, () => JSON.parse(text.decode(json)), false],
    ];
    const samples = new Map<string, number[]>(candidates.map(([what]) => [what, []]));
    // Warm up every candidate, then interleave them round by round so that noise spreads evenly.
    for (const [, perSample, hit, , prepare] of candidates) {
      for (let i = 0; i < perSample * 20; i++) {
        if (prepare && i % perSample === 0) await prepare();
        sink = await hit(i % perSample);
      }
    }
    for (let round = 0; round < rounds; round++) {
      for (const [what, perSample, hit, async, prepare] of candidates) {
        const list = samples.get(what)!;
        for (let s = 0; s < samplesPerRound; s++) {
          if (prepare) await prepare();
          const start = performance.now();
          if (async) for (let i = 0; i < perSample; i++) sink = await hit(i);
          else for (let i = 0; i < perSample; i++) sink = hit(i);
          list.push(((performance.now() - start) * 1000) / perSample);
        }
      }
    }
    for (const [what, perSample] of candidates) {
      const list = samples.get(what)!.sort((a, b) => a - b);
      rows.push({
        what,
        size,
        jsonBytes: json.length,
        perSample,
        samples: list.length,
        medianUs: quantile(list, 0.5),
        p99Us: quantile(list, 0.99),
      });
    }
  }
  const { fastPath } = await fast.stats();
  echo.terminate();
  await Promise.all([fast.close(), slow.close()]);
  if (sink === Symbol.iterator) rows.length = 0;
  return { isolated: crossOriginIsolated, fastPathActive: fastPath.active, rows };
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? NaN;
}
