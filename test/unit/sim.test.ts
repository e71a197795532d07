import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { optimalHits } from '../../bench/sim/opt.js';
import { readReference } from '../../bench/sim/reference.js';
import { replay } from '../../bench/sim/replay.js';
import { simulate } from '../../bench/sim/run.js';
import { parseTrace, readTrace } from '../../bench/sim/trace.js';
import { seededRandom } from '../../bench/sim/random.js';
import { LruPolicy } from '../../src/policies/lru.js';
import { TinyLfuPolicy } from '../../src/policies/tinylfu.js';
import { isMiss, Store } from '../../src/store.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TRACES = path.resolve(ROOT, '../shared/traces');
const haveTraces = existsSync(path.join(TRACES, 'REFERENCE.tsv'));
if (!haveTraces) console.warn(`[sim.test] skipping the trace checks: ${TRACES} is absent (the shared traces are not part of the repository)`);

describe('trace reading', () => {
  it('reads plain and gzip traces alike, CRLF and blank lines included, keys as opaque strings', () => {
    const text = Buffer.from('1\r\n2\n\n007\n7\nabc\n1\n');
    const plain = parseTrace(text);
    expect([...plain.ids]).toEqual([0, 1, 2, 3, 4, 0]);
    expect(plain.keys).toEqual(['1', '2', '007', '7', 'abc']);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'trace-'));
    writeFileSync(path.join(dir, 't.keys.gz'), gzipSync(text));
    writeFileSync(path.join(dir, 't.keys'), text);
    expect(readTrace(path.join(dir, 't.keys.gz'))).toEqual(readTrace(path.join(dir, 't.keys')));
  });
});

describe('replay', () => {
  it('counts the same hits as the real Store with the same policy', () => {
    const ids = Int32Array.from({ length: 20_000 }, (_, i) => (i * 7919) % 1_000 ^ (i % 13));
    const keys = Array.from({ length: 1_024 }, (_, i) => `k${i}`);
    const store = new Store({ name: 's', policy: 'lru', capacity: 200, maxBytes: undefined, ttl: undefined }, (c) => new LruPolicy(c));
    let hits = 0;
    for (const id of ids) {
      if (!isMiss(store.get(keys[id]!))) hits++;
      else store.put(keys[id]!, id);
    }
    expect(replay({ ids, keys }, (c) => new LruPolicy(c), 200)).toBe(hits);
  });

  it('counts the same hits as the real Store with tinylfu, seeded alike, so sketch and hashes agree', () => {
    const random = seededRandom(7);
    // Skewed, with a shifting hot set, so that admission, the window's moves and the sketch's halving all act.
    const ids = Int32Array.from({ length: 60_000 }, (_, i) => Math.floor(random() ** 3 * 3_000 + i / 20) % 4_000);
    const keys = Array.from({ length: 4_000 }, (_, i) => `k${i}`);
    for (const capacity of [50, 200, 1_000]) {
      const store = new Store({ name: 's', policy: 'tinylfu', capacity, maxBytes: undefined, ttl: undefined }, (c) => new TinyLfuPolicy(c), Date.now, { random: seededRandom(1) });
      let hits = 0;
      for (const id of ids) {
        if (!isMiss(store.get(keys[id]!))) hits++;
        else store.put(keys[id]!, id);
      }
      expect(hits).toBeGreaterThan(0);
      expect(replay({ ids, keys }, (c) => new TinyLfuPolicy(c), capacity, seededRandom(1)), `capacity ${capacity}`).toBe(hits);
    }
  });

  it('computes Belady on a small case by hand', () => {
    // a b c a d a b, capacity 2: hits on the second a, third a (b evicted for d since b comes later than a)
    const trace = parseTrace(Buffer.from('a\nb\nc\na\nd\na\nb\n'));
    expect(optimalHits(trace, 2)).toBe(2);
  });
});

describe.skipIf(!haveTraces)('shared traces against REFERENCE.tsv', { timeout: 120_000 }, () => {
  const reference = haveTraces ? readReference(path.join(TRACES, 'REFERENCE.tsv')) : [];
  const names = [...new Set(reference.map((row) => row.trace))];

  it.each(names)('lru and opt reproduce every row of %s exactly', (name) => {
    const trace = readTrace(path.join(TRACES, `${name}.keys.gz`));
    for (const row of reference.filter((r) => r.trace === name && (r.policy === 'lru' || r.policy === 'opt'))) {
      const result = simulate(name, trace, row.policy as 'lru' | 'opt', row.capacity);
      expect({ name, ...row, hits: result.hits, requests: result.requests }).toEqual({ name, ...row });
    }
  });

  // The goals of tinylfu.
  const goal = (name: string) => () => {
    const trace = readTrace(path.join(TRACES, `${name}.keys.gz`));
    const rows = reference.filter((r) => r.trace === name);
    for (const capacity of new Set(rows.map((r) => r.capacity))) {
      const ratio = (policy: string) => {
        const row = rows.find((r) => r.policy === policy && r.capacity === capacity)!;
        return (100 * row.hits) / row.requests;
      };
      const tinylfu = 100 * simulate(name, trace, 'tinylfu', capacity).hitRatio;
      expect(tinylfu, `${name} at ${capacity}: tinylfu vs LRU`).toBeGreaterThanOrEqual(ratio('lru') - 1);
      if (name === 'oltp') expect(tinylfu, `oltp at ${capacity}: tinylfu vs ARC`).toBeGreaterThanOrEqual(ratio('arc'));
    }
  };
  for (const name of names) it(`tinylfu meets its goals on ${name}`, goal(name));

  it('tinylfu closes at least half of the LRU-to-OPT gap on average', () => {
    let closed = 0;
    let gaps = 0;
    for (const name of names) {
      const trace = readTrace(path.join(TRACES, `${name}.keys.gz`));
      for (const row of reference.filter((r) => r.trace === name && r.policy === 'lru')) {
        const opt = reference.find((r) => r.trace === name && r.policy === 'opt' && r.capacity === row.capacity)!;
        if (opt.hits === row.hits) continue;
        closed += (simulate(name, trace, 'tinylfu', row.capacity).hits - row.hits) / (opt.hits - row.hits);
        gaps++;
      }
    }
    expect(closed / gaps).toBeGreaterThanOrEqual(0.5);
  });
});
