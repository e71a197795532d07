// The trace simulator: replays traces through the real policy code and prints hits, requests and hit
// ratio for each policy and capacity.
//
//   npm run sim -- --trace FILE[,FILE...|DIR] --policy NAME[,NAME...|all] --capacity N[,N...] [--json]
//                  [--reference REFERENCE.tsv] [--seed N]
//
// A trace is one key a line, plain or gzip. `--policy opt` is Belady's optimum, computed exactly. With a
// REFERENCE.tsv (found next to the traces, or named), capacities default to its rows for each trace and a
// second table puts its LRU, ARC and OPT hit ratios beside the simulated ones.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readReference, traceName, type ReferenceRow } from './sim/reference.js';
import { SIM_POLICIES, simulate, type SimPolicy, type SimResult } from './sim/run.js';
import { readTrace } from './sim/trace.js';
import { printTable } from './support/results.js';

const USAGE =
  'usage: npm run sim -- --trace FILE[,FILE...|DIR] --policy NAME[,NAME...|all] --capacity N[,N...] [--json] [--reference FILE] [--seed N]\n' +
  `policies: ${SIM_POLICIES.join(', ')}`;

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    trace: { type: 'string' },
    policy: { type: 'string', default: 'all' },
    capacity: { type: 'string' },
    json: { type: 'boolean', default: false },
    reference: { type: 'string' },
    seed: { type: 'string', default: '1' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!values.trace) fail('--trace is required');

const files = values.trace.split(',').flatMap((entry) =>
  existsSync(entry) && statSync(entry).isDirectory()
    ? readdirSync(entry)
        .filter((file) => /\.(keys|txt|trace)(\.gz)?$/.test(file))
        .sort()
        .map((file) => path.join(entry, file))
    : [entry],
);
for (const file of files) if (!existsSync(file)) fail(`no such trace: ${file}`);
if (files.length === 0) fail('no traces found');

const policies: SimPolicy[] =
  values.policy === 'all'
    ? [...SIM_POLICIES]
    : values.policy.split(',').map((name) => {
        if (!(SIM_POLICIES as readonly string[]).includes(name)) fail(`unknown policy '${name}'`);
        return name as SimPolicy;
      });

const referencePath = values.reference ?? path.join(path.dirname(files[0]!), 'REFERENCE.tsv');
const reference: ReferenceRow[] = existsSync(referencePath) ? readReference(referencePath) : [];
const explicit = values.capacity?.split(',').map((text) => {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) fail(`capacity '${text}' is not a positive integer`);
  return n;
});
const seed = Number(values.seed);

const results: SimResult[] = [];
for (const file of files) {
  const name = traceName(file);
  const capacities = explicit ?? [...new Set(reference.filter((row) => row.trace === name).map((row) => row.capacity))];
  if (capacities.length === 0) fail(`no --capacity given, and ${referencePath} has no rows for '${name}'`);
  const trace = readTrace(file);
  for (const capacity of capacities) for (const policy of policies) results.push(simulate(name, trace, policy, capacity, seed));
}

const percent = (hits: number, requests: number) => (requests === 0 ? 0 : (100 * hits) / requests);
const referenceHits = (result: SimResult, policy: string) =>
  reference.find((row) => row.trace === result.trace && row.capacity === result.capacity && row.policy === policy);

if (values.json) {
  console.log(JSON.stringify(results.map((result) => ({ ...result, reference: {
    lru: referenceHits(result, 'lru')?.hits, arc: referenceHits(result, 'arc')?.hits, opt: referenceHits(result, 'opt')?.hits,
  } })), null, 2));
} else {
  printTable(
    'Simulated hits',
    results.map((result) => ({
      trace: result.trace,
      policy: result.policy,
      capacity: result.capacity,
      hits: result.hits,
      requests: result.requests,
      'hit%': percent(result.hits, result.requests).toFixed(2),
      'M req/s': (result.requests / result.ms / 1000).toFixed(1),
    })),
  );
  if (reference.some((row) => results.some((result) => result.trace === row.trace))) {
    const rows = new Map<string, Record<string, string | number>>();
    for (const result of results) {
      const id = `${result.trace}\t${result.capacity}`;
      let row = rows.get(id);
      if (!row) {
        row = { trace: result.trace, capacity: result.capacity };
        rows.set(id, row);
      }
      row[result.policy] = percent(result.hits, result.requests).toFixed(2);
    }
    for (const row of rows.values()) {
      for (const policy of ['lru', 'arc', 'opt']) {
        const found = reference.find((r) => r.trace === row.trace && r.capacity === row.capacity && r.policy === policy);
        row[`ref ${policy.toUpperCase()}`] = found ? percent(found.hits, found.requests).toFixed(2) : '';
      }
    }
    printTable(`Hit % by trace and capacity (ref columns from ${referencePath})`, [...rows.values()]);
  }
}
