// The throughput and memory workloads of bench/policies.bench.ts. Free of Node APIs, so that the same code
// runs in Node and in a Chromium page.
import { LRUCache } from 'lru-cache';
import { createLRU } from 'lru.min';
import { LRUCache as MnemonistLru } from 'mnemonist';
import QuickLRU from 'quick-lru';
import { lru as tinyLru } from 'tiny-lru';
import { builtinPolicies } from '../../src/policies/index.js';
import type { BuiltinPolicy } from '../../src/protocol.js';
import { isMiss, Store } from '../../src/store.js';
import { seededRandom } from './random.js';
import { zipfStream } from './zipf.js';

/** What every contender offers the benchmark: a read that may miss and a write. */
interface Contender {
  getOrPut(key: string, value: number): void;
}

const POLICIES = Object.keys(builtinPolicies) as BuiltinPolicy[];

export const CONTENDERS: Record<string, (capacity: number) => Contender> = {
  ...Object.fromEntries(
    POLICIES.map((policy) => [
      `tabcache ${policy}`,
      (capacity: number): Contender => {
        const store = new Store({ name: 'bench', policy, capacity, maxBytes: undefined, ttl: undefined }, builtinPolicies[policy]);
        return {
          getOrPut(key, value) {
            if (isMiss(store.get(key))) store.put(key, value);
          },
        };
      },
    ]),
  ),
  'lru-cache': (capacity) => {
    const cache = new LRUCache<string, number>({ max: capacity });
    return { getOrPut: (key, value) => void (cache.get(key) === undefined && cache.set(key, value)) };
  },
  mnemonist: (capacity) => {
    const cache = new MnemonistLru<string, number>(capacity);
    return { getOrPut: (key, value) => void (cache.get(key) === undefined && cache.set(key, value)) };
  },
  'lru.min': (capacity) => {
    const cache = createLRU<string, number>({ max: capacity });
    return { getOrPut: (key, value) => void (cache.get(key) === undefined && cache.set(key, value)) };
  },
  'quick-lru': (capacity) => {
    const cache = new QuickLRU<string, number>({ maxSize: capacity });
    return { getOrPut: (key, value) => void (cache.get(key) === undefined && cache.set(key, value)) };
  },
  'tiny-lru': (capacity) => {
    const cache = tinyLru<number>(capacity);
    return { getOrPut: (key, value) => void (cache.get(key) === undefined && cache.set(key, value)) };
  },
};

export const PEERS = ['lru-cache', 'mnemonist', 'lru.min', 'quick-lru', 'tiny-lru'];

export interface Workload {
  name: string;
  keys: string[];
  stream: Int32Array;
  /** Makes the key of each request anew, when the workload's keys arrive as fresh strings. */
  keyOf?: (id: number) => string;
}

const KEYS = 1_000_000;
const URL_HEAD = 'https://api.example.com/v1/catalog/products?include=reviews,stock,related&locale=en-GB&id=';

/**
 * zipf: Zipf(0.99) over 1M keys. scan: the same, broken every 1,000 requests by 1,000 requests that sweep
 * on through another 1M keys, each seen once per sweep: half the traffic is a scan. urls: the zipf stream
 * over keys of about 100 characters, each request's key a new string, as keys that arrive by message are
 * (an engine caches a string's hash in the string, so a key string used again is cheaper to look up).
 */
export function workloads(requests: number): Workload[] {
  const keys = Array.from({ length: 2 * KEYS }, (_, i) => `key:${i}`);
  const zipf = zipfStream(KEYS, 0.99, requests, seededRandom(42));
  const scan = new Int32Array(requests);
  let sweep = 0;
  for (let i = 0; i < requests; i++) {
    scan[i] = Math.floor(i / 1_000) % 2 === 0 ? zipf[i]! : KEYS + (sweep++ % KEYS);
  }
  const ids = Array.from({ length: KEYS }, (_, i) => String(i));
  const keyOf = (id: number) => {
    const key = URL_HEAD + ids[id]!;
    // A new string with no hash cached yet, as a key read off a message is; reading a character flattens it.
    key.charCodeAt(0);
    return key;
  };
  return [
    { name: 'zipf', keys, stream: zipf },
    { name: 'scan', keys, stream: scan },
    { name: 'urls', keys, stream: zipf, keyOf },
  ];
}

export interface Throughput {
  contender: string;
  workload: string;
  /** Operations a second of each measured pass. */
  passes: number[];
}

/** Runs one contender over each workload: a warm-up pass, then `passes` passes, each on a fresh cache. */
export function measureThroughput(contender: string, capacity: number, requests: number, passes: number): Throughput[] {
  const make = CONTENDERS[contender];
  if (!make) throw new Error(`no contender ${contender}`);
  return workloads(requests).map(({ name, keys, stream, keyOf }) => {
    const measured: number[] = [];
    for (let pass = -1; pass < passes; pass++) {
      const cache = make(capacity);
      const started = performance.now();
      if (keyOf) for (let i = 0; i < stream.length; i++) cache.getOrPut(keyOf(stream[i]!), i);
      else for (let i = 0; i < stream.length; i++) cache.getOrPut(keys[stream[i]!]!, i);
      const seconds = (performance.now() - started) / 1000;
      if (pass >= 0) measured.push(stream.length / seconds);
    }
    return { contender, workload: name, passes: measured };
  });
}

let memoryKeys: string[] = [];
/** Keeps the filled cache alive until `releaseMemory`. */
const retained: Contender[] = [];

/** Makes the keys a memory measurement will use, before its baseline, so that they do not count. */
export function prepareMemory(entries: number): void {
  memoryKeys = Array.from({ length: entries }, (_, i) => `key:${i}`);
  retained.length = 0;
}

/** Fills a contender with the prepared keys (small-integer values, which take no heap) and keeps it alive. */
export function fillMemory(contender: string): void {
  const make = CONTENDERS[contender];
  if (!make) throw new Error(`no contender ${contender}`);
  const cache = make(memoryKeys.length);
  for (let i = 0; i < memoryKeys.length; i++) cache.getOrPut(memoryKeys[i]!, i);
  retained.push(cache);
}

export function releaseMemory(): void {
  retained.length = 0;
}
