// Throughput and memory of tabcache's policies (through the real Store) against the popular LRU caches:
// get-or-put over Zipf(0.99) on 1M keys, the same half broken by scans, and the same over URL-long keys that
// arrive as new strings, as a worker's keys do; capacity 10,000. Runs in Node and in headless Chromium in one
// go; `npx tsx bench/policies.bench.ts` or `npm run bench -- policies`.
//
// Each contender runs in a fresh process (Node) or a fresh document (Chromium), so that the JIT's type
// feedback from the others does not slow it down: an app has one cache implementation, not eleven.
// Rounds take the contenders in turn, each round in another order, so that a busy spell of the machine
// falls on all of them alike rather than on whichever ran then. Each run makes a warm-up pass and 2
// measured passes per workload; ops/s are medians of the 14 passes of 7 rounds, and ratios are to the
// fastest peer's median.
// Bytes per entry: a cache filled with 100,000 entries whose keys were made before the baseline and whose
// values are small integers, so that only the cache's own structure counts; heap plus ArrayBuffer backing
// stores, after forced garbage collection (Node: --expose-gc and process.memoryUsage(); Chromium: the
// DevTools protocol's HeapProfiler.collectGarbage and Runtime.getHeapUsage).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import type { Plugin } from 'vite';
import * as Bench from './sim/throughput.js';
import { withBenchPage } from './support/browser.js';
import { printTable, writeResults } from './support/results.js';

const CAPACITY = 10_000;
const REQUESTS = 1_000_000;
const ROUNDS = 7;
const PASSES = 2;
const MEMORY_ENTRIES = 100_000;
const MODULE = '/bench/sim/throughput.ts';

interface Measured {
  throughput: Bench.Throughput[];
  bytesPerEntry: number;
}

const childAt = process.argv.indexOf('--child');
if (childAt !== -1) {
  const name = process.argv[childAt + 1]!;
  const memory = process.argv.includes('--memory');
  const measured: Measured = {
    throughput: Bench.measureThroughput(name, CAPACITY, REQUESTS, PASSES),
    bytesPerEntry: memory ? nodeBytesPerEntry(name) : Number.NaN,
  };
  process.stdout.write(JSON.stringify(measured));
  process.exit(0);
}

function nodeBytesPerEntry(name: string): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return Number.NaN;
  const used = () => {
    gc();
    gc();
    const { heapUsed, arrayBuffers } = process.memoryUsage();
    return heapUsed + arrayBuffers;
  };
  Bench.prepareMemory(MEMORY_ENTRIES);
  const before = used();
  Bench.fillMemory(name);
  const after = used();
  Bench.releaseMemory();
  return (after - before) / MEMORY_ENTRIES;
}

function runNode(name: string, memory: boolean): Measured {
  const self = fileURLToPath(import.meta.url);
  const args = ['--expose-gc', '--import', 'tsx', self, '--child', name, ...(memory ? ['--memory'] : [])];
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (result.status !== 0) throw new Error(`node run of ${name} failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as Measured;
}

type BenchModule = typeof Bench;

async function runPage(page: Page, name: string, memory: boolean): Promise<Measured> {
  const throughput = await page.evaluate(
    async ({ module, name, capacity, requests, passes }) => {
      const bench = (await import(/* @vite-ignore */ module)) as BenchModule;
      return bench.measureThroughput(name, capacity, requests, passes);
    },
    { module: MODULE, name, capacity: CAPACITY, requests: REQUESTS, passes: PASSES },
  );
  if (!memory) return { throughput, bytesPerEntry: Number.NaN };
  const cdp = await page.context().newCDPSession(page);
  const used = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('HeapProfiler.collectGarbage');
    const usage = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; backingStorageSize?: number };
    return usage.usedSize + (usage.backingStorageSize ?? 0);
  };
  const call = (fn: 'prepareMemory' | 'fillMemory' | 'releaseMemory', arg?: string | number) =>
    page.evaluate(
      async ({ module, fn, arg }) => {
        const bench = (await import(/* @vite-ignore */ module)) as BenchModule;
        (bench[fn] as (a?: string | number) => void)(arg);
      },
      { module: MODULE, fn, arg },
    );
  await call('prepareMemory', MEMORY_ENTRIES);
  const before = await used();
  await call('fillMemory', name);
  const after = await used();
  await call('releaseMemory');
  await cdp.detach();
  return { throughput, bytesPerEntry: (after - before) / MEMORY_ENTRIES };
}

/** Pre-bundles the peers for the page: mnemonist is CommonJS. */
const peersForTheBrowser: Plugin = {
  name: 'bench-policies-deps',
  config: () => ({ optimizeDeps: { include: ['lru-cache', 'mnemonist', 'lru.min', 'quick-lru', 'tiny-lru'] } }),
};

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const contenders = Object.keys(Bench.CONTENDERS);
/** The contenders in the order of `round`: rotated by the round, and reversed every other round. */
const inTurn = (round: number) => {
  const rotated = contenders.map((_, i) => contenders[(i + round) % contenders.length]!);
  return round % 2 ? rotated.reverse() : rotated;
};
/** Every run of each contender, by environment; memory is measured in the first round only. */
const runs: Record<string, Record<string, Measured[]>> = {
  node: Object.fromEntries(contenders.map((name) => [name, []])),
  chromium: Object.fromEntries(contenders.map((name) => [name, []])),
};
for (let round = 0; round < ROUNDS; round++) {
  console.error(`node: round ${round + 1} of ${ROUNDS}`);
  for (const name of inTurn(round)) runs.node![name]!.push(runNode(name, round === 0));
}
await withBenchPage(
  async ({ page, url }) => {
    for (let round = 0; round < ROUNDS; round++) {
      console.error(`chromium: round ${round + 1} of ${ROUNDS}`);
      for (const name of inTurn(round)) {
        // A new document is a new realm, with the module and its JIT feedback made afresh.
        await page.goto(`${url}/bench/pages/blank.html?${encodeURIComponent(name)}&${round}`);
        runs.chromium![name]!.push(await runPage(page, name, round === 0));
      }
    }
  },
  { plugins: [peersForTheBrowser] },
);

const rows: Record<string, string | number>[] = [];
for (const [environment, byName] of Object.entries(runs)) {
  for (const { workload } of byName[contenders[0]!]![0]!.throughput) {
    const opsOf = (name: string) =>
      median(byName[name]!.flatMap((run) => run.throughput.find((t) => t.workload === workload)!.passes));
    const fastestPeer = Math.max(...Bench.PEERS.map(opsOf));
    for (const name of contenders) {
      rows.push({
        environment,
        workload,
        contender: name,
        'M ops/s': (opsOf(name) / 1e6).toFixed(2),
        'x fastest peer': (opsOf(name) / fastestPeer).toFixed(2),
        'bytes/entry': byName[name]![0]!.bytesPerEntry.toFixed(0),
      });
    }
  }
}
printTable(`Get-or-put, capacity ${CAPACITY}, ${REQUESTS} requests a pass, median of ${ROUNDS * PASSES} passes in ${ROUNDS} rounds`, rows);
const file = writeResults('policies', { capacity: CAPACITY, requests: REQUESTS, rounds: ROUNDS, passes: PASSES, memoryEntries: MEMORY_ENTRIES, rows, runs });
console.log(`\nresults: ${file}`);
