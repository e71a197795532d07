// Runs in Chromium: many concurrent callers of memoize and memoizeFetch over a few keys, and the latency of a
// cached call against the plain call it stands in for. The endpoints are served by memoize.bench.ts.
import { createCache, memoize, memoizeFetch } from '../src/index.js';

export interface Latency {
  what: string;
  medianUs: number;
  p99Us: number;
}

/** Fires `callers` calls at once over `keys` keys, through memoize and through memoizeFetch. */
export async function singleFlight(keys: number, callers: number): Promise<void> {
  const cache = createCache({ name: `bench-memoize-${Date.now()}` });
  const load = memoize(async (key: number) => (await fetch(`/bench-api/memo?k=${key}`, { cache: 'no-store' })).json(), { cache, namespace: 'load' });
  const cachedFetch = memoizeFetch({ cache });
  await Promise.all(Array.from({ length: callers }, (_, i) => load(i % keys)));
  await Promise.all(Array.from({ length: callers }, (_, i) => cachedFetch(`/bench-api/fetch?k=${i % keys}`).then((r) => r.json())));
  await cache.close();
}

/** Microseconds per call, one call at a time, of plain and cached calls, interleaved round by round. */
export async function latency(rounds: number, perRound: number): Promise<Latency[]> {
  const cache = createCache({ name: `bench-latency-${Date.now()}` });
  const plainFn = async (key: number) => (await fetch(`/bench-api/plain?k=${key}`, { cache: 'no-store' })).json();
  const memoized = memoize(plainFn, { cache, namespace: 'plain' });
  const cachedFetch = memoizeFetch({ cache });
  const plainFetch = () => fetch('/bench-api/plain?k=0', { cache: 'no-store' }).then((r) => r.arrayBuffer());
  const cachedCall = () => cachedFetch('/bench-api/plain?k=0').then((r) => r.arrayBuffer());
  await memoized(0);
  await cachedCall();
  const candidates: [string, () => Promise<unknown>][] = [
    ['plain function (fetch + json)', () => plainFn(0)],
    ['memoize hit', () => memoized(0)],
    ['plain fetch', plainFetch],
    ['memoizeFetch hit', cachedCall],
  ];
  const samples = new Map<string, number[]>(candidates.map(([what]) => [what, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [what, call] of candidates) {
      const list = samples.get(what)!;
      for (let i = 0; i < perRound; i++) {
        const start = performance.now();
        await call();
        list.push((performance.now() - start) * 1000);
      }
    }
  }
  await cache.close();
  return candidates.map(([what]) => {
    const sorted = samples.get(what)!.sort((a, b) => a - b);
    return { what, medianUs: quantile(sorted, 0.5), p99Us: quantile(sorted, 0.99) };
  });
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? NaN;
}
