// Persistence in headless Chromium: persisted puts of ~1 KB values per second (tabcache against idb-keyval
// and raw IndexedDB, each put its own transaction), and the time from createCache() to the first hit on a
// store holding 10,000 persisted entries. Goals: at least 3x idb-keyval; under 50 ms to the first hit.
import type { PutRate, WarmStart } from './persist.page.js';
import { withBenchPage } from './support/browser.js';
import { printTable, writeResults } from './support/results.js';

const PUTS = 2_000;
const STORED = 10_000;
const STARTS = 5;

const { rates, starts } = await withBenchPage(async ({ run }) => {
  const rates: PutRate[] = [];
  // Warm the page's module graph and IndexedDB once, so that no contender pays for the first load.
  await run('/bench/persist.page.ts', 'tabcachePuts', 100);
  rates.push(await run<PutRate>('/bench/persist.page.ts', 'tabcachePuts', PUTS));
  rates.push(await run<PutRate>('/bench/persist.page.ts', 'idbKeyvalPuts', PUTS));
  rates.push(await run<PutRate>('/bench/persist.page.ts', 'rawPuts', PUTS));
  const name = await run<string>('/bench/persist.page.ts', 'fill', STORED);
  const starts: WarmStart[] = [];
  for (let i = 0; i < STARTS; i++) {
    starts.push(await run<WarmStart>('/bench/persist.page.ts', 'warmStart', name, `k${(i * 1_999) % STORED}`, STORED));
  }
  return { rates, starts };
});

const keyval = rates.find((rate) => rate.what.startsWith('idb-keyval'))!;
printTable(
  `Persisted puts of ~1 KB values, ${PUTS} each (durable when timed)`,
  rates.map((rate) => ({ what: rate.what, ms: rate.ms, 'puts/s': rate.perSec, 'vs idb-keyval': rate.perSec / keyval.perSec })),
);
const sorted = [...starts].sort((a, b) => a.firstHitMs - b.firstHitMs);
const median = sorted[Math.floor(sorted.length / 2)]!;
// Each start is a new worker, whose modules the dev server serves one by one; a memory-only cache started
// just before shows what the worker start alone costs, and the difference is what persistence adds.
const row = (what: string, start: WarmStart) => ({
  what,
  'first hit ms': start.firstHitMs,
  'memory-only first get ms': start.workerStartMs,
  'persistence adds ms': start.firstHitMs - start.workerStartMs,
});
printTable(`createCache() to the first get hit, ${STORED} persisted ~1 KB entries (${STARTS} starts, a new worker each)`, [
  row('first start', starts[0]!),
  row('median start', median),
  row('slowest start', sorted[sorted.length - 1]!),
]);
printTable('For scale: loading every value at start-up instead', [{ what: `getAll of ${STORED} values`, ms: median.getAllMs }]);
const path = writeResults('persist', { puts: PUTS, stored: STORED, rates, starts });
console.log(`\nwritten to ${path}`);
