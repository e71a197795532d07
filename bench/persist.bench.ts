// Persistence in headless Chromium: persisted puts of ~1 KB values per second (tabcache against idb-keyval
// and raw IndexedDB, each put its own transaction), and the time from createCache() to the first hit on a
// store holding 10,000 persisted entries. Goals: at least 3x idb-keyval; under 50 ms to the first hit.
// Then durability and freshness: the write-behind window (a put resolved to its record committed), puts per
// second once the persisted tier is full against while it fills, and the time from a put resolving in one tab
// to another tab reading it. Goals: a window of at most 16 ms at the median; at the bound, at least half the
// rate below it. `npm run bench -- persist --quick` runs fewer rounds.
import type { BoundRates, PutRate, WarmStart } from './persist.page.js';
import { withBenchPage } from './support/browser.js';
import { bundleWorker } from './support/worker-bundle.js';
import { printTable, writeResults } from './support/results.js';

const quick = process.argv.includes('--quick');
const PUTS = 2_000;
/** Rounds of the three contenders, taken in turn, so that a noisy moment does not favour one. */
const ROUNDS = quick ? 1 : 3;
const STORED = 10_000;
const STARTS = quick ? 3 : 7;
const WINDOWS = quick ? 30 : 100;
/** The persisted tier's bound for the rate at the bound, and the puts between flushes. */
const BOUND = quick ? 5_000 : 20_000;
const BOUND_BATCH = 1_000;

const worker = await bundleWorker();
const measured = await withBenchPage(async ({ run }) => {
  const rates: PutRate[] = [];
  // Warm the page's module graph and IndexedDB once, so that no contender pays for the first load.
  await run('/bench/persist.page.ts', 'tabcachePuts', 100);
  for (let round = 0; round < ROUNDS; round++) {
    for (const contender of ['tabcachePuts', 'idbKeyvalPuts', 'rawPuts']) {
      rates.push(await run<PutRate>('/bench/persist.page.ts', contender, PUTS));
    }
  }
  const name = await run<string>('/bench/persist.page.ts', 'fill', STORED);
  const starts: WarmStart[] = [];
  for (let i = 0; i < STARTS; i++) {
    const key = `k${(i * 1_999) % STORED}`;
    starts.push(await run<WarmStart>('/bench/persist.page.ts', 'warmStart', name, key, STORED, i % 2 === 1, worker));
  }
  const windows = await run<number[]>('/bench/persist.page.ts', 'writeBehind', WINDOWS);
  const bound = await run<BoundRates>('/bench/persist.page.ts', 'putsAtBound', BOUND, BOUND_BATCH);
  const crossTab = await run<number[]>('/bench/persist.page.ts', 'crossTab', WINDOWS, worker);
  return { rates, starts, windows, bound, crossTab };
});
const { windows, bound, crossTab } = measured;

const { rates, starts } = measured;
const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * q))]!;
const median = (values: number[]) => quantile(values, 0.5);
const whats = [...new Set(rates.map((rate) => rate.what))];
const medianRate = (what: string) => median(rates.filter((rate) => rate.what === what).map((rate) => rate.perSec));
const keyval = medianRate(whats.find((what) => what.startsWith('idb-keyval'))!);
printTable(
  `Persisted puts of ~1 KB values, ${PUTS} each, durable when timed (median of ${ROUNDS} rounds)`,
  whats.map((what) => ({ what, 'puts/s': medianRate(what), 'vs idb-keyval': medianRate(what) / keyval })),
);
// Each start is a new worker from the bundled worker file, as an app ships it; a memory-only cache started
// next to it (before it or after it, in turn) shows what the worker start alone costs, and the difference
// is what persistence adds.
const row = (what: string, start: WarmStart) => ({
  what,
  'first hit ms': start.firstHitMs,
  'memory-only first get ms': start.workerStartMs,
  'persistence adds ms': start.firstHitMs - start.workerStartMs,
});
const medianStart: WarmStart = {
  firstHitMs: median(starts.map((start) => start.firstHitMs)),
  workerStartMs: median(starts.map((start) => start.workerStartMs)),
  getAllMs: median(starts.map((start) => start.getAllMs)),
};
printTable(`createCache() to the first get hit, ${STORED} persisted ~1 KB entries (${STARTS} starts, a new bundled worker each)`, [
  row('first start', starts[0]!),
  row(`median of ${STARTS}`, medianStart),
]);
printTable('For scale: loading every value at start-up instead', [{ what: `getAll of ${STORED} values (median)`, ms: medianStart.getAllMs }]);
printTable(`From a put resolving to its record committed in IndexedDB, one put at a time (${WINDOWS} puts)`, [
  { what: 'write-behind window', 'p50 ms': median(windows), 'p95 ms': quantile(windows, 0.95), 'max ms': Math.max(...windows) },
]);
printTable(`Puts of ~1 KB values per second, ${BOUND_BATCH} then a flush, persist.maxEntries ${BOUND}`, [
  { what: `filling up to the bound (${BOUND} puts)`, 'puts/s': bound.below, 'vs below': 1 },
  { what: `at the bound, every batch evicting (${BOUND} more)`, 'puts/s': bound.at, 'vs below': bound.at / bound.below },
]);
printTable(`From a put resolving in one tab to another tab reading the new value (two workers of one cache, ${WINDOWS} puts)`, [
  { what: 'cross-tab freshness', 'p50 ms': median(crossTab), 'p95 ms': quantile(crossTab, 0.95), 'max ms': Math.max(...crossTab) },
]);
const path = writeResults('persist', { puts: PUTS, rounds: ROUNDS, stored: STORED, rates, starts, windows, bound, crossTab });
console.log(`\nwritten to ${path}`);
