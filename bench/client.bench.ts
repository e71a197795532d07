// A get hit through tabcache, one at a time and 1,000 at once, against a raw postMessage round trip and
// one plain comlink call per get, in headless Chromium. The goals are for the message path; the fast path
// (shared memory) is shown beside it and measured closely in shared-memory.bench.ts.
import type { Sample } from './client.page.js';
import { withBenchPage } from './support/browser.js';
import { printTable, writeResults } from './support/results.js';

const ROUNDS = 15;

const samples = await withBenchPage(({ run }) => run<Sample[]>('/bench/client.page.ts', 'run', ROUNDS));
const find = (what: string) => samples.find((sample) => sample.what === what)!;
const raw = find('raw postMessage ping');
const comlink = find('comlink call per get');
const tabcache = find('tabcache get, message path');

const rows = samples.map((sample) => ({
  what: sample.what,
  'serial µs (median)': sample.serialUs,
  'serial / raw ping': sample.serialUs / raw.serialUs,
  '1,000 concurrent calls/s': sample.concurrentPerSec,
  'concurrent / comlink': sample.concurrentPerSec / comlink.concurrentPerSec,
}));
printTable(`get hit, ${ROUNDS} interleaved rounds (median of rounds)`, rows);
const goals = {
  'serial get within 1.3x of raw ping': tabcache.serialUs / raw.serialUs <= 1.3,
  '1,000 concurrent gets at least 10x unbatched comlink': tabcache.concurrentPerSec / comlink.concurrentPerSec >= 10,
};
console.log(goals);
console.log(`written ${writeResults('client', { rounds: ROUNDS, samples: rows, goals })}`);
