// memoize and memoizeFetch in headless Chromium against endpoints of the bench's own Vite server: how many
// upstream calls many concurrent callers over a few keys cost (it must equal the number of keys), and the
// latency of a cached call against the plain call it replaces.
import type { Plugin } from 'vite';
import type { Latency } from './memoize.page.js';
import { withBenchPage } from './support/browser.js';
import { printTable, writeResults } from './support/results.js';

const KEYS = 8;
const CALLERS = 2_000;
const ROUNDS = 10;
const PER_ROUND = 100;
/** Milliseconds the flight endpoints take, so that callers really do overlap. */
const UPSTREAM_DELAY = 50;

const upstream = new Map<string, number>();
const endpoints: Plugin = {
  name: 'bench-endpoints',
  configureServer(server) {
    server.middlewares.use('/bench-api', (req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const kind = url.pathname.slice(1);
      upstream.set(kind, (upstream.get(kind) ?? 0) + 1);
      const reply = () => {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'max-age=600' });
        res.end(JSON.stringify({ key: url.searchParams.get('k'), payload: 'x'.repeat(200) }));
      };
      if (kind === 'plain') reply();
      else setTimeout(reply, UPSTREAM_DELAY);
    });
  },
};

const latencies = await withBenchPage(async ({ run }) => {
  await run('/bench/memoize.page.ts', 'singleFlight', KEYS, CALLERS);
  upstream.delete('plain');
  return run<Latency[]>('/bench/memoize.page.ts', 'latency', ROUNDS, PER_ROUND);
}, { plugins: [endpoints] });

const flights = [
  { what: 'memoize', keys: KEYS, callers: CALLERS, 'upstream calls': upstream.get('memo') ?? 0 },
  { what: 'memoizeFetch', keys: KEYS, callers: CALLERS, 'upstream calls': upstream.get('fetch') ?? 0 },
];
printTable(`${CALLERS} concurrent callers over ${KEYS} keys (upstream takes ${UPSTREAM_DELAY} ms)`, flights);

const find = (what: string) => latencies.find((sample) => sample.what === what)!;
const pairs: [string, string][] = [
  ['memoize hit', 'plain function (fetch + json)'],
  ['memoizeFetch hit', 'plain fetch'],
];
const rows = pairs.map(([cached, plain]) => ({
  cached,
  'median µs': find(cached).medianUs,
  'p99 µs': find(cached).p99Us,
  plain,
  'plain median µs': find(plain).medianUs,
  'plain p99 µs': find(plain).p99Us,
  'median ratio': find(cached).medianUs / find(plain).medianUs,
  'p99 ratio': find(cached).p99Us / find(plain).p99Us,
}));
printTable(`latency of one call at a time against the local Vite server, ${ROUNDS} x ${PER_ROUND} calls each`, rows);

const goals = {
  'upstream calls equal the number of keys': flights.every((row) => row['upstream calls'] === KEYS),
  'cached calls faster than plain calls (median)': rows.every((row) => row['median ratio'] < 1),
};
console.log(goals);
console.log(`written ${writeResults('memoize', { keys: KEYS, callers: CALLERS, upstreamDelayMs: UPSTREAM_DELAY, flights, latency: rows, goals })}`);
