// A get hit served from shared memory against the same hit over messages, a raw postMessage ping and an
// in-thread Map.get, for JSON values of ~100 B, ~1 KB and ~10 KB, in headless Chromium served with COOP/COEP.
import type { Result } from './shared-memory.page.js';
import { withBenchPage } from './support/browser.js';
import { printTable, writeResults } from './support/results.js';

const ROUNDS = 10;
const SAMPLES_PER_ROUND = 100;

const result = await withBenchPage(({ run }) => run<Result>('/bench/shared-memory.page.ts', 'run', ROUNDS, SAMPLES_PER_ROUND));
if (!result.isolated || !result.fastPathActive) throw new Error('the bench page is not cross-origin isolated: no fast path');

const median = (what: string, size: string) => result.rows.find((row) => row.what === what && row.size === size)!.medianUs;
const sizes = [...new Set(result.rows.map((row) => row.size))];
printTable(
  `get hit latency in µs, ${ROUNDS} interleaved rounds of ${SAMPLES_PER_ROUND} samples; a sample is the mean of 'per sample' consecutive hits`,
  result.rows.map((row) => ({
    size: row.size,
    what: row.what,
    'per sample': row.perSample,
    'median µs': row.medianUs,
    'p99 µs': row.p99Us,
  })),
);
const ratios = sizes.map((size) => ({
  size,
  'message path / fast path': median('message path: await get', size) / median('fast path: await get', size),
  'raw ping / fast path': median('raw postMessage ping', size) / median('fast path: await get', size),
  'fast path / Map.get': median('fast path: await get', size) / median('in-thread Map.get', size),
}));
printTable('ratios of medians', ratios);
const goals = {
  'fast-path median under 2 µs for ~1 KB': median('fast path: await get', '~1 KB') < 2,
  'fast path at least 30x faster than the message path (~1 KB)':
    median('message path: await get', '~1 KB') / median('fast path: await get', '~1 KB') >= 30,
};
console.log(goals);
console.log(`written ${writeResults('shared-memory', { rounds: ROUNDS, samplesPerRound: SAMPLES_PER_ROUND, rows: result.rows, ratios, goals })}`);
