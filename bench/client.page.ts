// Runs in Chromium: a get hit through tabcache against a raw postMessage ping (a worker answering with the
// value from a Map) and a plain comlink call.
import { wrap } from 'comlink';
import { createCache } from '../src/index.js';

const VALUE = { id: 42, name: 'widget', tags: ['a', 'b'] };

export interface Sample {
  what: string;
  /** Median microseconds per call, one call at a time. */
  serialUs: number;
  /** Calls per second with 1,000 in flight at once. */
  concurrentPerSec: number;
}

export async function run(rounds: number): Promise<Sample[]> {
  const echo = new Worker(new URL('./pages/echo-worker.ts', import.meta.url), { type: 'module' });
  echo.postMessage({ op: 'put', key: 'k', value: VALUE });
  const ping = () =>
    new Promise<unknown>((resolve) => {
      echo.addEventListener('message', (event) => resolve(event.data), { once: true });
      echo.postMessage({ op: 'get', key: 'k' });
    });
  const pingAll = async (n: number) => {
    let left = n;
    await new Promise<void>((resolve) => {
      const onMessage = () => {
        if (--left === 0) {
          echo.removeEventListener('message', onMessage);
          resolve();
        }
      };
      echo.addEventListener('message', onMessage);
      for (let i = 0; i < n; i++) echo.postMessage({ op: 'get', key: 'k' });
    });
  };

  const comlinkWorker = new Worker(new URL('./pages/comlink-worker.ts', import.meta.url), { type: 'module' });
  const remote = wrap<{ get(key: string): unknown; put(key: string, value: unknown): void }>(comlinkWorker);
  await remote.put('k', VALUE);

  // The message path alone (no shared memory), and the default, which answers hits from shared memory when the
  // page is cross-origin isolated.
  const messages = createCache({ name: 'bench-client-messages', sharedBytes: 0, persist: false });
  const cache = createCache({ name: 'bench-client', persist: false });
  await Promise.all([messages.put('k', VALUE), cache.put('k', VALUE)]);
  await cache.get('k');

  const candidates: [string, () => Promise<unknown>, (n: number) => Promise<unknown>][] = [
    ['raw postMessage ping', ping, pingAll],
    ['comlink call per get', () => remote.get('k'), (n) => Promise.all(Array.from({ length: n }, () => remote.get('k')))],
    ['tabcache get, message path', () => messages.get('k'), (n) => Promise.all(Array.from({ length: n }, () => messages.get('k')))],
    [
      crossOriginIsolated ? 'tabcache get, fast path' : 'tabcache get (page not isolated)',
      () => cache.get('k'),
      (n) => Promise.all(Array.from({ length: n }, () => cache.get('k'))),
    ],
  ];
  const serial = new Map<string, number[]>();
  const concurrent = new Map<string, number[]>();
  // Interleave the candidates round by round so that noise spreads evenly over them.
  for (let round = 0; round < rounds; round++) {
    for (const [what, one, many] of candidates) {
      const n = 300;
      const start = performance.now();
      for (let i = 0; i < n; i++) await one();
      push(serial, what, ((performance.now() - start) * 1000) / n);
      const startMany = performance.now();
      await many(1000);
      push(concurrent, what, 1000 / ((performance.now() - startMany) / 1000));
    }
  }
  echo.terminate();
  comlinkWorker.terminate();
  await Promise.all([cache.close(), messages.close()]);
  return candidates.map(([what]) => ({
    what,
    serialUs: median(serial.get(what) ?? []),
    concurrentPerSec: median(concurrent.get(what) ?? []),
  }));
}

function push(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key) ?? [];
  list.push(value);
  map.set(key, list);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}
